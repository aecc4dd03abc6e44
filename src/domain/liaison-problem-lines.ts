/**
 * Problems found (发现的问题) typed into the monthly form, one per line, each with a proposed owner.
 * Two ways to name the owner, both easy on a phone keyboard:
 *
 *   党员发展材料归档不全 @支部          owner after an @ at the end
 *   机关事务处：食堂就餐秩序需改善       owner before a colon at the start
 *
 * The owner is the liaison branch (支部 / 本支部 / its name), the leader himself (本人 / 我), or a
 * department the organ knows (办公室, or its branch 办公室党支部). A line without an owner goes to the
 * branch: a problem found in a branch is first the branch's to solve. A colon prefix that is not an
 * owner is left as part of the text ("反映：…" is a description, not a department called 反映); an
 * unknown name after @ is an error, since the leader clearly meant to name someone.
 */

export type ProblemOwner = { kind: "branch" } | { kind: "leader" } | { kind: "department"; name: string };

export interface ProblemLine {
  description: string;
  owner: ProblemOwner;
}

export const PROBLEM_LIMITS = { count: 20, chars: 500 } as const;

export const PROBLEM_LINE_HINT =
  "每行写一个问题，可在末尾用 @ 注明负责方，如“党员发展材料归档不全 @支部”，或写成“办公室：会议记录不规范”；" +
  "负责方可以是 支部、本人 或部门名称，不写则由本支部负责。";

const BRANCH_WORDS = ["支部", "本支部", "该支部", "党支部", "联系支部", "联系点", "所联系支部"];
const LEADER_WORDS = ["本人", "我", "自己", "领导本人", "联系领导", "我本人"];

export interface OwnerContext {
  /** The liaison branch's name: naming it means the branch. */
  branchName: string;
  /** Departments (or their branches) a problem can be handed to, as the organ names them. */
  departments: readonly string[];
}

const bare = (name: string) => name.replace(/党支部$|党总支$/, "");

/** The owner a short text names, or undefined when it names none we know. */
export function readOwner(text: string, ctx: OwnerContext): ProblemOwner | undefined {
  const t = text.normalize("NFKC").replace(/\s+/g, "");
  if (!t) return undefined;
  if (BRANCH_WORDS.includes(t) || t === ctx.branchName || t === bare(ctx.branchName))
    return { kind: "branch" };
  if (LEADER_WORDS.includes(t)) return { kind: "leader" };
  const name = ctx.departments.find((d) => d === t) ?? ctx.departments.find((d) => bare(d) === bare(t));
  return name ? { kind: "department", name } : undefined;
}

const LIST_MARK = /^\s*(?:\d{1,2}\s*[.、)）]|[（(]\d{1,2}[)）]|[-*·•])\s*/;

type LineRead = { ok: true; line: ProblemLine } | { ok: false; message: string };

function readLine(raw: string, ctx: OwnerContext): LineRead {
  // Not NFKC: that would turn the description's Chinese punctuation into ASCII; the marks are matched
  // in both widths instead.
  const text = raw.replace(LIST_MARK, "").trim();
  const at = /^(.*?)\s*[@＠]\s*([^@＠]*)$/.exec(text);
  if (at) {
    const description = (at[1] ?? "").trim();
    const ownerText = (at[2] ?? "").trim();
    const owner = readOwner(ownerText, ctx);
    if (!ownerText) return { ok: false, message: "@ 后面没有写负责方" };
    if (!owner)
      return {
        ok: false,
        message: `不认识负责方“${ownerText}”，请写 支部、本人 或部门名称（如 ${ctx.departments[0] ?? "办公室"}）`,
      };
    return { ok: true, line: { description, owner } };
  }
  const colon = /^([^:：]{1,20})[:：]\s*(.*)$/.exec(text);
  const prefixOwner = colon ? readOwner(colon[1] ?? "", ctx) : undefined;
  if (colon && prefixOwner)
    return { ok: true, line: { description: (colon[2] ?? "").trim(), owner: prefixOwner } };
  return { ok: true, line: { description: text, owner: { kind: "branch" } } };
}

export type ProblemLinesResult = { ok: true; lines: ProblemLine[] } | { ok: false; problems: string[] };

/** Reads the problems box: blank lines are skipped; every bad line is named by its number. */
export function parseProblemLines(text: string, ctx: OwnerContext): ProblemLinesResult {
  const raw = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (raw.length > PROBLEM_LIMITS.count)
    return {
      ok: false,
      problems: [
        `问题最多填写 ${PROBLEM_LIMITS.count} 条（现有 ${raw.length} 条），请合并相近的问题，其余可下月再反映`,
      ],
    };
  const lines: ProblemLine[] = [];
  const problems: string[] = [];
  raw.forEach((l, i) => {
    const read = readLine(l, ctx);
    const n = `第 ${i + 1} 条问题`;
    if (!read.ok) problems.push(`${n}：${read.message}`);
    else if (!read.line.description) problems.push(`${n}只写了负责方，请补上问题描述`);
    else if (read.line.description.length > PROBLEM_LIMITS.chars)
      problems.push(`${n}过长（${read.line.description.length} 字，每条最多 ${PROBLEM_LIMITS.chars} 字）`);
    else lines.push(read.line);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, lines };
}

/** How an owner is shown on cards and in the ledger. */
export function ownerLabel(owner: ProblemOwner, branchName: string): string {
  if (owner.kind === "branch") return branchName;
  if (owner.kind === "leader") return "联系领导本人";
  return owner.name;
}
