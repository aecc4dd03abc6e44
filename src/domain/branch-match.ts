/**
 * Which branch someone means by a name they typed (支部情况 办公室, 机关情况 第一党总支): full names, roster
 * codes and abbreviations — the name without 党支部/党总支/支部, and with 处/室/科 dropped — then any name
 * containing what was typed, then any holding its characters in order (综规 → 综合规划处党支部). Pure.
 */

export interface NamedBranch {
  id: string;
  name: string;
  code: string;
}

export type BranchMatch<B extends NamedBranch> =
  | { kind: "one"; branch: B }
  /** Several fit equally: ask “你是不是要找…”. */
  | { kind: "ambiguous"; candidates: B[] }
  /** Nothing fits; `suggestions` share the most characters with what was typed. */
  | { kind: "none"; suggestions: B[] };

const SUFFIXES = ["党支部委员会", "党总支部", "党支部", "党总支", "总支", "支部"];
const UNIT_ENDINGS = /[处室科局办]$/;
export const MAX_SUGGESTIONS = 5;

function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\s「」『』“”"'《》]/g, "")
    .toLowerCase();
}

function stem(name: string): string {
  let s = normalise(name);
  for (const suffix of SUFFIXES) {
    if (s.endsWith(suffix) && s.length > suffix.length) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  return s;
}

/** The names a branch answers to, strongest first. */
export function abbreviations(name: string): string[] {
  const s = stem(name);
  const out = [s];
  if (UNIT_ENDINGS.test(s) && s.length > 2) out.push(s.slice(0, -1));
  return out;
}

function inOrder(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
}

function shared(a: string, b: string): number {
  const set = new Set(b);
  return [...new Set(a)].filter((c) => set.has(c)).length;
}

export function matchBranch<B extends NamedBranch>(typed: string, branches: readonly B[]): BranchMatch<B> {
  const q = normalise(typed);
  const qs = stem(typed);
  const pick = (list: B[]): BranchMatch<B> | undefined =>
    list.length === 1
      ? { kind: "one", branch: list[0] as B }
      : list.length > 1
        ? { kind: "ambiguous", candidates: list }
        : undefined;
  if (!q) return { kind: "none", suggestions: [] };
  const exact = branches.filter((b) => normalise(b.name) === q || b.code.toLowerCase() === q);
  const byAbbreviation = branches.filter((b) => abbreviations(b.name).includes(qs));
  const containing = branches.filter(
    (b) => stem(b.name).includes(qs) || (qs.length >= 2 && qs.includes(stem(b.name))),
  );
  const ordered = branches.filter((b) => qs.length >= 2 && inOrder(qs, stem(b.name)));
  const found = pick(exact) ?? pick(byAbbreviation) ?? pick(containing) ?? pick(ordered);
  if (found) return found;
  const scored = branches
    .map((b) => ({ b, n: shared(qs, stem(b.name)) }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n);
  const best = scored[0]?.n ?? 0;
  return {
    kind: "none",
    suggestions: scored
      .filter((x) => x.n >= Math.max(1, best - 1))
      .slice(0, MAX_SUGGESTIONS)
      .map((x) => x.b),
  };
}

/** “你是不是要找：办公室党支部、综合办公室党支部？” */
export function didYouMean(candidates: readonly NamedBranch[]): string {
  const names = candidates.slice(0, MAX_SUGGESTIONS).map((b) => b.name);
  const more = candidates.length > names.length ? ` 等 ${candidates.length} 个` : "";
  return `你是不是要找：${names.join("、")}${more}？请写出完整名称。`;
}
