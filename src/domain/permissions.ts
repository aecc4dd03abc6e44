/** Who may do what, defined once for every feature. Pure. */
import { COMMITTEE_ROLES, type MemberRole } from "./labels.ts";

export interface Actor {
  isAdmin: boolean;
  branchId: string;
  role: string;
}

/**
 * Members may manage a branch's meetings, attendance and 第一议题 records when they are its
 * 书记/副书记/委员, or 机关党委 staff. Organ-level bodies (no branch) are the staff's alone.
 */
export function mayManage(member: Actor, branchId: string | null): boolean {
  if (member.isAdmin) return true;
  if (!branchId) return false;
  return member.branchId === branchId && COMMITTEE_ROLES.includes(member.role as MemberRole);
}

/** The wording every refusal uses, so the card and the toast say the same thing. */
export const MANAGERS_LABEL = "本支部书记、副书记、委员或机关党委工作人员";

/** “只有本支部书记、副书记、委员或机关党委工作人员可以结束签到。” */
export const onlyManagers = (what: string) => `只有${MANAGERS_LABEL}可以${what}。`;
