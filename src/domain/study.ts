import { firstTooLong, overLimit, quote, TEXT_LIMITS } from "./limits.ts";
import { isValidDate } from "./roster.ts";

/** 第一议题: study items, what a meeting should open with, and how fast branches studied them. Pure. */

export type StudyScope = "all" | "leading_group";

/** Who studies a 第一议题: a branch, or the organ's 党组 / 中心组. */
export type StudyBody = { branchId: string } | { orgId: string; kind: "leading_group" | "central_group" };

/** The body a meeting studies for: its branch, or for organ-level meetings the 党组 or 中心组. */
export function studyBodyOf(meeting: { branchId: string | null; orgId: string; kind: string }): StudyBody {
  if (meeting.branchId) return { branchId: meeting.branchId };
  return { orgId: meeting.orgId, kind: meeting.kind === "central_group" ? "central_group" : "leading_group" };
}

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
  const tooLong = firstTooLong([
    [TEXT_LIMITS.studyTitle, title],
    [TEXT_LIMITS.studySource, source],
    [TEXT_LIMITS.studyLink, link],
  ]);
  if (tooLong) return { ok: false, message: tooLong };
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

// ── CSV import (npx zhibu study import) ──────────────────────────────────────────────────────────

export type StudyCsvField = "title" | "source" | "published_on" | "link" | "summary" | "scope";

/** Accepted headers per field, Chinese or English (case and surrounding spaces ignored). */
export const STUDY_CSV_HEADERS: Record<StudyCsvField, readonly string[]> = {
  title: ["标题", "title"],
  source: ["来源", "source"],
  published_on: ["发表日期", "发布日期", "published_on", "published"],
  link: ["链接", "link", "url"],
  summary: ["摘要", "summary"],
  scope: ["范围", "scope"],
};

const REQUIRED_CSV_FIELDS: StudyCsvField[] = ["title", "source", "published_on"];

/** Maps the header row to fields; unknown or repeated columns and missing required ones are errors. */
export function readStudyCsvHeader(
  header: readonly string[],
): { ok: true; columns: Map<StudyCsvField, number> } | { ok: false; message: string } {
  const columns = new Map<StudyCsvField, number>();
  const problems: string[] = [];
  header.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (!name) return;
    const field = (Object.keys(STUDY_CSV_HEADERS) as StudyCsvField[]).find((f) =>
      STUDY_CSV_HEADERS[f].includes(name),
    );
    if (!field) problems.push(`不认识的列 “${raw.trim()}”`);
    else if (columns.has(field)) problems.push(`列 “${raw.trim()}” 重复`);
    else columns.set(field, index);
  });
  const missing = REQUIRED_CSV_FIELDS.filter((f) => !columns.has(f));
  if (missing.length > 0)
    problems.push(`缺少必填列：${missing.map((f) => STUDY_CSV_HEADERS[f].join("/")).join("、")}`);
  if (problems.length > 0) {
    return {
      ok: false,
      message: `第 1 行（表头）：${problems.join("；")}。可用的列：${Object.values(STUDY_CSV_HEADERS)
        .map((names) => names.slice(0, 2).join("/"))
        .join("、")}`,
    };
  }
  return { ok: true, columns };
}

/** 2026-11-20, 2026/11/20, 2026.11.20 or 2026年11月20日 → 2026-11-20; undefined when not a date. */
export function normalizeDate(text: string): string | undefined {
  const m = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) return undefined;
  const date = `${m[1]}-${String(m[2]).padStart(2, "0")}-${String(m[3]).padStart(2, "0")}`;
  return isValidDate(date) ? date : undefined;
}

const SCOPES: Record<string, StudyScope> = {
  "": "all",
  全部: "all",
  全部支部: "all",
  all: "all",
  仅党组: "leading_group",
  党组: "leading_group",
  leading_group: "leading_group",
};

/** One data row of the CSV: the item, or every problem found in it (for a message naming the line). */
export function readStudyCsvRow(
  cells: readonly string[],
  columns: ReadonlyMap<StudyCsvField, number>,
  today: string,
): { ok: true; item: StudyItemInput } | { ok: false; problems: string[] } {
  const cell = (f: StudyCsvField) => {
    const i = columns.get(f);
    return i === undefined ? "" : (cells[i] ?? "").trim();
  };
  const problems: string[] = [];
  const title = cell("title")
    .replace(/^《(.*)》$/, "$1")
    .trim();
  if (!title) problems.push("标题为空");
  const source = cell("source");
  if (!source) problems.push("来源为空");
  const rawDate = cell("published_on");
  const publishedOn = normalizeDate(rawDate);
  if (!rawDate) problems.push("发表日期为空");
  else if (!publishedOn) problems.push(`发表日期 “${quote(rawDate)}” 无效，应为 YYYY-MM-DD`);
  else if (publishedOn > today) problems.push(`发表日期 ${publishedOn} 在今天之后`);
  const link = cell("link");
  if (link && !/^https?:\/\/\S+$/.test(link))
    problems.push(`链接 “${quote(link, 60)}” 应以 http:// 或 https:// 开头`);
  const summary = cell("summary");
  for (const [limit, value] of [
    [TEXT_LIMITS.studyTitle, title],
    [TEXT_LIMITS.studySource, source],
    [TEXT_LIMITS.studyLink, link],
    [TEXT_LIMITS.studySummary, summary],
  ] as const) {
    const problem = overLimit(limit, value);
    if (problem) problems.push(problem);
  }
  const rawScope = cell("scope");
  const scope = SCOPES[rawScope.toLowerCase()];
  if (!scope) problems.push(`范围 “${quote(rawScope)}” 无效，应为 全部/all 或 仅党组/leading_group`);
  if (problems.length > 0 || !publishedOn || !scope) return { ok: false, problems };
  return {
    ok: true,
    item: {
      title,
      source,
      publishedOn,
      link: link || undefined,
      summary: summary || undefined,
      scope,
    },
  };
}
