/** Rules for binding a group chat to a branch: which branch a typed name means, and who may bind it. */
import { COMMITTEE_ROLES, type MemberRole } from "./labels.ts";

export interface BranchRef {
  id: string;
  code: string;
  name: string;
}

export type BranchMatch<B extends BranchRef> =
  | { kind: "found"; branch: B }
  | { kind: "ambiguous"; candidates: B[] }
  | { kind: "none" };

const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();

/**
 * Exact name or roster code first; then the name without its suffix ("办公室" → 办公室党支部);
 * then a unique branch whose name contains the text. Several candidates are never guessed between.
 */
export function matchBranch<B extends BranchRef>(branches: readonly B[], text: string): BranchMatch<B> {
  const t = squash(text);
  if (!t) return { kind: "none" };
  const exact = branches.filter((b) => squash(b.name) === t || squash(b.code) === t);
  if (exact.length === 1 && exact[0]) return { kind: "found", branch: exact[0] };
  const suffixed = branches.filter((b) => [`${t}党支部`, `${t}党总支`, `${t}支部`].includes(squash(b.name)));
  if (suffixed.length === 1 && suffixed[0]) return { kind: "found", branch: suffixed[0] };
  const partial = branches.filter((b) => squash(b.name).includes(t));
  if (partial.length === 1 && partial[0]) return { kind: "found", branch: partial[0] };
  const candidates = exact.length > 1 ? exact : suffixed.length > 1 ? suffixed : partial;
  return candidates.length > 1 ? { kind: "ambiguous", candidates } : { kind: "none" };
}

export interface Binder {
  branchId: string;
  role: MemberRole;
  isAdmin: boolean;
}

/** A branch's own 书记/副书记/委员, or 机关党委 staff for any branch. */
export function mayBindBranch(member: Binder, branchId: string): boolean {
  return member.isAdmin || (member.branchId === branchId && COMMITTEE_ROLES.includes(member.role));
}
