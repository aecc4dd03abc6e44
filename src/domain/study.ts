import { isValidDate } from "./roster.ts";

/** 第一议题: study items, what a meeting should open with, and how fast branches studied them. Pure. */

export type StudyScope = "all" | "leading_group";

export interface StudyItemInput {
  title: string;
  source: string;
  publishedOn: string;
  link: string | undefined;
  summary: string | undefined;
  scope: StudyScope;
}

export type StudyParse = { ok: true; item: StudyItemInput } | { ok: false; message: string };

export const STUDY_ADD_USAGE =
  "请按这样的格式添加：第一议题 添加 《标题》 2026-11-20 新华社 https://…\n" +
  "（日期为发表日期；来源如 新华社、《求是》；链接可省略；末尾加“仅党组”表示只用于党组会/中心组学习）";

const URL_RE = /https?:\/\/\S+/;

function readDate(
  text: string,
  today: string,
): { date: string; match: string } | { error: string } | undefined {
  const full = /(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?/.exec(text);
  const short = full ? undefined : /(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/.exec(text);
  if (!full && !short) return undefined;
  const match = (full ?? short)?.[0] ?? "";
  const pad = (v: string | undefined) => String(v).padStart(2, "0");
  const thisYear = today.slice(0, 4);
  const date = full
    ? `${full[1]}-${pad(full[2])}-${pad(full[3])}`
    : `${thisYear}-${pad(short?.[1])}-${pad(short?.[2])}`;
  if (!isValidDate(date)) return { error: `发表日期 “${match}” 无效。` };
  if (date <= today) return { date, match };
  // A publication date without a year is this year's, unless that would be in the future.
  const lastYear = `${Number(thisYear) - 1}${date.slice(4)}`;
  if (short && isValidDate(lastYear)) return { date: lastYear, match };
  return { error: `发表日期 ${date} 在今天之后，请核对。` };
}

/** Reads `《标题》 2026-11-20 新华社 https://…` (order of date, source and link free). */
export function parseStudyAdd(text: string, today: string): StudyParse {
  let rest = text.trim();
  if (!rest) return { ok: false, message: STUDY_ADD_USAGE };
  let scope: StudyScope = "all";
  const scopeMatch = /(仅党组|仅限党组|仅中心组|仅党组会)/.exec(rest);
  if (scopeMatch) {
    scope = "leading_group";
    rest = rest.replace(scopeMatch[0], " ");
  }
  let title: string | undefined;
  const quoted = /《([^》]+)》/.exec(rest);
  if (quoted) {
    title = quoted[1]?.trim();
    rest = rest.replace(quoted[0], " ");
  }
  const url = URL_RE.exec(rest);
  const link = url?.[0];
  if (url) rest = rest.replace(url[0], " ");
  const date = readDate(rest, today);
  if (!date) return { ok: false, message: `缺少发表日期。\n${STUDY_ADD_USAGE}` };
  if ("error" in date) return { ok: false, message: date.error };
  rest = rest.replace(date.match, " ");
  const words = rest.split(/\s+/).filter(Boolean);
  if (!title) {
    // Without 《》 the first word is the title and the rest the source.
    title = words.shift();
  }
  if (!title) return { ok: false, message: `缺少标题。\n${STUDY_ADD_USAGE}` };
  const source = words.join(" ").trim();
  if (!source)
    return { ok: false, message: `缺少来源（如 新华社、人民日报、《求是》）。\n${STUDY_ADD_USAGE}` };
  if (title.length > 200) return { ok: false, message: "标题过长（最多 200 字）。" };
  return { ok: true, item: { title, source, publishedOn: date.date, link, summary: undefined, scope } };
}

export interface StudyItemRef {
  id: string;
  title: string;
  source: string;
  publishedOn: string;
  link: string | null;
  scope: StudyScope;
  /** When the item was added to the bank (YYYY-MM-DD, local). */
  addedOn: string;
}

/** Which items a meeting should open with: in scope, not yet studied by this body, oldest first. */
export function pendingItems(
  items: readonly StudyItemRef[],
  studiedIds: ReadonlySet<string>,
  forLeadingBody: boolean,
): StudyItemRef[] {
  return items
    .filter((i) => !studiedIds.has(i.id) && (forLeadingBody || i.scope === "all"))
    .sort((a, b) => a.publishedOn.localeCompare(b.publishedOn) || a.title.localeCompare(b.title));
}

/** Whole days from publication to the day it was first studied. */
export function delayDays(publishedOn: string, studiedOn: string): number {
  return Math.round(
    (Date.parse(`${studiedOn}T00:00:00Z`) - Date.parse(`${publishedOn}T00:00:00Z`)) / 86_400_000,
  );
}

/** An item still pending this many days after it was added is overdue for the branch. */
export function isOverdue(item: StudyItemRef, today: string, overdueDays: number): boolean {
  const since = item.addedOn > item.publishedOn ? item.addedOn : item.publishedOn;
  return delayDays(since, today) > overdueDays;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ItemTimeliness {
  item: StudyItemRef;
  branchesInScope: number;
  branchesStudied: number;
  medianDelay: number | undefined;
  longestDelay: number | undefined;
}

/** Per item: how many branches studied it, and the median and longest delay in days. */
export function summarizeTimeliness(
  items: readonly StudyItemRef[],
  branchCount: number,
  firstStudies: readonly { itemId: string; branchId: string; studiedOn: string }[],
): ItemTimeliness[] {
  return items.map((item) => {
    const firstByBranch = new Map<string, string>();
    for (const s of firstStudies) {
      if (s.itemId !== item.id) continue;
      const seen = firstByBranch.get(s.branchId);
      if (!seen || s.studiedOn < seen) firstByBranch.set(s.branchId, s.studiedOn);
    }
    const delays = [...firstByBranch.values()].map((d) => delayDays(item.publishedOn, d));
    return {
      item,
      branchesInScope: item.scope === "all" ? branchCount : 0,
      branchesStudied: firstByBranch.size,
      medianDelay: median(delays),
      longestDelay: delays.length ? Math.max(...delays) : undefined,
    };
  });
}

/**
 * When to nudge a secretary about an unrecorded first-agenda study: the working day after the meeting
 * closed, then each working day, until a record exists. Past `overdueDays` the branch counts as overdue.
 */
export function recordNudgeState(
  closedOn: string,
  today: string,
  overdueDays: number,
): { due: boolean; overdue: boolean } {
  const days = delayDays(closedOn, today);
  return { due: days >= 1, overdue: days > overdueDays };
}
