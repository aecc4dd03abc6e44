import { TEXT_LIMITS, tooLong } from "./limits.ts";
import { isValidDate } from "./roster.ts";
import { addDays } from "./time.ts";

/**
 * 外出: a member's own record of days away (出差、休假、病假…), kept so that nobody is nudged while
 * away. Distinct from 请假 for one meeting (the meeting cards' button): an absence covers days, not a
 * meeting. Pure: the command's syntax, reading the dates people type, and the rules.
 */

/** A stretch of days (inclusive, local) a member is away: nobody is nudged while away. */
export interface LeavePeriod {
  memberId: string;
  from: string;
  to: string;
  /** 出差 / 休假 / 病假 …; shown where the absence is listed. */
  reason?: string;
}

export function leaveOn(
  leave: readonly LeavePeriod[],
  memberId: string,
  day: string,
): LeavePeriod | undefined {
  return leave.find((l) => l.memberId === memberId && l.from <= day && l.to >= day);
}

export function onLeave(leave: readonly LeavePeriod[], memberId: string, day: string): boolean {
  return leaveOn(leave, memberId, day) !== undefined;
}

/** The members of `memberIds` not away on `day`, in their order. */
export function presentOn(
  leave: readonly LeavePeriod[],
  memberIds: readonly string[],
  day: string,
): string[] {
  return memberIds.filter((id) => !onLeave(leave, id, day));
}

// ── the command ─────────────────────────────────────────────────────────────────────────────────────

/** A date as typed, before the year is known: 12月3日, 12-03, 2026-12-03, 明天, or (as an end) 10日. */
export type DateSpec =
  | { kind: "date"; year: number | undefined; month: number; day: number; text: string }
  | { kind: "day"; day: number; text: string }
  | { kind: "relative"; days: number; text: string };

export interface RangeSpec {
  start: DateSpec;
  end: DateSpec | undefined;
}

export type AwayCommand =
  /** `外出` (mine) or `外出 张三` (someone's, for admins and the 书记). */
  | { type: "list"; name: string | undefined }
  | { type: "record"; name: string | undefined; range: RangeSpec; reason: string }
  /** `外出 取消 [张三] [日期]`: the period holding that day, else the current or next one. */
  | { type: "cancel"; name: string | undefined; day: DateSpec | undefined };

export type AwayParse = { ok: true; command: AwayCommand } | { ok: false; hint: string };

export const AWAY_WORDS = ["外出", "away"] as const;
export const AWAY_USAGE = "外出 [12月3日至12月10日 出差 | 取消]";
export const AWAY_SUMMARY =
  "登记本人外出（出差、休假、病假等），期间不再私信催报和提醒；“外出”查看，“外出 取消”撤销；机关党委和支部书记可为他人登记：外出 张三 12月3日至12月10日 出差";
export const AWAY_EXAMPLE = "外出 12月3日至12月10日 出差";
const DEFAULT_REASON = "外出";

const SEPARATOR = /^\s*(?:至|到|~|～|—|–|－|-)\s*/;
const RELATIVE: Record<string, number> = { 今天: 0, 明天: 1, 后天: 2 };

/** One date at the start of `text`, and how much of the text it took. */
function readDate(text: string, endOfRange: boolean): { spec: DateSpec; length: number } | undefined {
  const full = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/.exec(text);
  if (full)
    return {
      spec: {
        kind: "date",
        year: Number(full[1]),
        month: Number(full[2]),
        day: Number(full[3]),
        text: full[0].trim(),
      },
      length: full[0].length,
    };
  const cn = /^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/.exec(text);
  const dashed = /^(\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(text);
  const md = cn ?? dashed;
  if (md)
    return {
      spec: { kind: "date", year: undefined, month: Number(md[1]), day: Number(md[2]), text: md[0].trim() },
      length: md[0].length,
    };
  const rel = /^(今天|明天|后天)/.exec(text);
  if (rel) return { spec: { kind: "relative", days: RELATIVE[rel[1] ?? ""] ?? 0, text: rel[0] }, length: 2 };
  // “12月3日至10日”: the end may name the day only (same month, or the next).
  const day = endOfRange ? /^(\d{1,2})\s*[日号]?(?!\d)/.exec(text) : null;
  if (day) return { spec: { kind: "day", day: Number(day[1]), text: day[0].trim() }, length: day[0].length };
  return undefined;
}

/** A range (or one day) at the start of `text`, and the text after it. */
export function readRange(text: string): { range: RangeSpec; rest: string } | undefined {
  const start = readDate(text, false);
  if (!start) return undefined;
  let rest = text.slice(start.length);
  let end: DateSpec | undefined;
  const sep = SEPARATOR.exec(rest);
  if (sep) {
    const e = readDate(rest.slice(sep[0].length), true);
    if (e) {
      end = e.spec;
      rest = rest.slice(sep[0].length + e.length);
    }
  }
  // A date must end where a word ends: “12月3日出差” is fine, “12-031” is not a date.
  if (/^\d/.test(rest)) return undefined;
  return { range: { start: start.spec, end }, rest: rest.replace(/^[\s,，、:：;；]+/, "").trim() };
}

const looksLikeDate = (text: string) => /^\d|^(今天|明天|后天)/.test(text);
const stripQuotes = (s: string) => s.replace(/^[「『“"']+|[」』”"']+$/g, "").trim();

const HOW =
  `请写明日期，如：${AWAY_EXAMPLE}、外出 12-03 至 12-10 休假、外出 明天 病假；` +
  "机关党委或支部书记为他人登记：外出 张三 12月3日至12月10日 出差";

/** The text after 外出. */
export function parseAwayArgs(rest: string): AwayParse {
  const text = rest.trim();
  if (text === "") return { ok: true, command: { type: "list", name: undefined } };
  const cancel = /^(取消|撤销|cancel)\s*/i.exec(text);
  if (cancel) return parseCancel(text.slice(cancel[0].length));
  const mine = readRange(text);
  if (mine) return record(undefined, mine.range, mine.rest);
  if (looksLikeDate(text)) return { ok: false, hint: `没有看懂日期“${firstWord(text)}”。${HOW}` };
  // Someone else: a name first, then the dates (or nothing, to list theirs).
  const name = /^([^\s\d]+?)\s*(?=\d|今天|明天|后天|\s|$)/.exec(text);
  const who = stripQuotes(name?.[1] ?? firstWord(text));
  const after = text.slice(name ? name[0].length : firstWord(text).length).trim();
  if (after === "") return { ok: true, command: { type: "list", name: who } };
  const theirs = readRange(after);
  if (theirs) return record(who, theirs.range, theirs.rest);
  return { ok: false, hint: `没有看懂“${firstWord(after)}”。${HOW}` };
}

function record(name: string | undefined, range: RangeSpec, rest: string): AwayParse {
  const reason = stripQuotes(rest) || DEFAULT_REASON;
  const problem = tooLong(TEXT_LIMITS.awayReason, reason);
  if (problem) return { ok: false, hint: problem };
  return { ok: true, command: { type: "record", name, range, reason } };
}

function parseCancel(text: string): AwayParse {
  if (text === "") return { ok: true, command: { type: "cancel", name: undefined, day: undefined } };
  const mine = readRange(text);
  if (mine && mine.rest === "" && mine.range.end === undefined)
    return { ok: true, command: { type: "cancel", name: undefined, day: mine.range.start } };
  if (!looksLikeDate(text)) {
    const name = /^([^\s\d]+?)\s*(?=\d|今天|明天|后天|\s|$)/.exec(text);
    const who = stripQuotes(name?.[1] ?? "");
    const after = text.slice(name?.[0].length ?? 0).trim();
    if (who && after === "") return { ok: true, command: { type: "cancel", name: who, day: undefined } };
    const day = readRange(after);
    if (who && day && day.rest === "" && day.range.end === undefined)
      return { ok: true, command: { type: "cancel", name: who, day: day.range.start } };
  }
  return {
    ok: false,
    hint: "请发送“外出 取消”撤销当前或下一次外出；有几次时写明其中一天，如：外出 取消 12月3日（为他人：外出 取消 张三 12月3日）",
  };
}

const firstWord = (text: string) => text.split(/\s+/)[0] ?? text;

// ── dates ───────────────────────────────────────────────────────────────────────────────────────────

/** Past absences may be recorded (so a summary tells the truth), but not older than this. */
export const AWAY_MAX_DAYS_BACK = 92;
/** An absence may be recorded this far ahead at most, and last this long at most. */
export const AWAY_MAX_DAYS_AHEAD = 366;
export const AWAY_MAX_LENGTH_DAYS = 366;

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;
const daysBetween = (a: string, b: string) => Math.round(dayNumber(b) - dayNumber(a));

export type RangeResolution = { ok: true; from: string; to: string } | { ok: false; message: string };

/**
 * The days a typed range means, relative to `today`. A date without a year is the one nearest today
 * (in December “1月5日” is next January); an end before its start rolls into the next month (a day
 * alone) or year (“12月28日至1月3日”). Dates that do not exist, ends before starts, absences older than
 * three months or further ahead than a year are refused, each with a sentence saying so.
 */
export function resolveRange(range: RangeSpec, today: string): RangeResolution {
  const start = resolveStart(range.start, today);
  if (!start.ok) return start;
  const from = start.day;
  let to = from;
  if (range.end) {
    const end = resolveEnd(range.end, from);
    if (!end.ok) return end;
    to = end.day;
  }
  if (to < from)
    return {
      ok: false,
      message: `结束日期 ${formatDay(to, today)} 早于开始日期 ${formatDay(from, today)}，请检查。`,
    };
  if (daysBetween(from, to) + 1 > AWAY_MAX_LENGTH_DAYS)
    return { ok: false, message: `一次外出最长登记 ${AWAY_MAX_LENGTH_DAYS} 天，请分段登记。` };
  if (daysBetween(to, today) > AWAY_MAX_DAYS_BACK)
    return { ok: false, message: `${formatRange(from, to, today)}已过去三个月以上，无需登记。` };
  if (daysBetween(today, from) > AWAY_MAX_DAYS_AHEAD)
    return { ok: false, message: "只能登记一年以内的外出。" };
  return { ok: true, from, to };
}

type DayResolution = { ok: true; day: string } | { ok: false; message: string };

function exists(y: number, m: number, d: number, text: string): DayResolution {
  const day = iso(y, m, d);
  return isValidDate(day) ? { ok: true, day } : { ok: false, message: `日期“${text}”不存在，请检查。` };
}

function resolveStart(spec: DateSpec, today: string): DayResolution {
  if (spec.kind === "relative") return { ok: true, day: addDays(today, spec.days) };
  if (spec.kind === "day") return { ok: false, message: `请写明月份，如“${AWAY_EXAMPLE}”。` };
  if (spec.year !== undefined) return exists(spec.year, spec.month, spec.day, spec.text);
  const year = Number(today.slice(0, 4));
  // The year whose date is nearest today; 2月29日 only exists in some of them.
  const candidates = [year - 1, year, year + 1]
    .map((y) => exists(y, spec.month, spec.day, spec.text))
    .filter((r): r is { ok: true; day: string } => r.ok);
  if (candidates.length === 0) return exists(year, spec.month, spec.day, spec.text);
  candidates.sort((a, b) => Math.abs(daysBetween(today, a.day)) - Math.abs(daysBetween(today, b.day)));
  return candidates[0] as DayResolution;
}

function resolveEnd(spec: DateSpec, from: string): DayResolution {
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  if (spec.kind === "relative") return { ok: false, message: "结束日期请写具体日期，如 12月10日。" };
  if (spec.kind === "day") {
    if (spec.day >= d) return exists(y, m, spec.day, spec.text);
    return m === 12 ? exists(y + 1, 1, spec.day, spec.text) : exists(y, m + 1, spec.day, spec.text);
  }
  if (spec.year !== undefined) return exists(spec.year, spec.month, spec.day, spec.text);
  const same = exists(y, spec.month, spec.day, spec.text);
  if (!same.ok || same.day >= from) return same;
  return exists(y + 1, spec.month, spec.day, spec.text);
}

/** A day the way people read it: 12月3日, with the year when it is not this year's. */
export function formatDay(day: string, today: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const md = `${m}月${d}日`;
  return day.slice(0, 4) === today.slice(0, 4) ? md : `${y}年${md}`;
}

/** 12月3日至12月10日, or 12月3日 for one day. */
export function formatRange(from: string, to: string, today: string): string {
  if (from === to) return formatDay(from, today);
  // A range crossing the year shows both years, so “12月28日至1月3日” is not misread.
  const years = from.slice(0, 4) !== to.slice(0, 4);
  const f = years ? `${from.slice(0, 4)}年${formatDay(from, from)}` : formatDay(from, today);
  const t = years ? `${to.slice(0, 4)}年${formatDay(to, to)}` : formatDay(to, today);
  return `${f}至${t}`;
}

// ── rules ───────────────────────────────────────────────────────────────────────────────────────────

export interface StoredAway {
  id: string;
  from: string;
  to: string;
  reason: string;
}

/** An existing absence sharing a day with `from`–`to`: one person is not away twice at once. */
export function overlapping<T extends StoredAway>(existing: readonly T[], from: string, to: string) {
  return existing.find((e) => e.from <= to && e.to >= from);
}

/** Which absence `外出 取消 [日期]` means. */
export type CancelChoice<T> =
  | { kind: "cancel"; period: T }
  /** Under way: it ends yesterday instead (back early), so the days away stay true. */
  | { kind: "shorten"; period: T; to: string }
  | { kind: "none"; message: string }
  | { kind: "ask"; message: string };

export function chooseCancel<T extends StoredAway>(
  periods: readonly T[],
  day: string | undefined,
  today: string,
  whose: string,
): CancelChoice<T> {
  const live = periods.filter((p) => p.to >= today || (day !== undefined && p.from <= day && p.to >= day));
  let chosen: T | undefined;
  if (day !== undefined) {
    chosen = live.find((p) => p.from <= day && p.to >= day);
    if (!chosen) return { kind: "none", message: `${whose}${formatDay(day, today)}没有登记外出。` };
  } else {
    chosen = live.find((p) => p.from <= today && p.to >= today);
    if (!chosen) {
      const ahead = live.filter((p) => p.from > today);
      if (ahead.length === 0) return { kind: "none", message: `${whose}目前没有登记外出。` };
      if (ahead.length > 1)
        return {
          kind: "ask",
          message:
            `${whose}登记了 ${ahead.length} 次外出：${ahead.map((p) => formatRange(p.from, p.to, today)).join("、")}。` +
            `请写明撤销哪一次，如：外出 取消 ${formatDay(ahead[0]?.from ?? today, today)}`,
        };
      chosen = ahead[0] as T;
    }
  }
  if (chosen.from < today && chosen.to >= today)
    return { kind: "shorten", period: chosen, to: addDays(today, -1) };
  return { kind: "cancel", period: chosen };
}

/**
 * How a summary lists someone who did not answer while away part or all of the time he had: the truth,
 * “外出，未报” or “外出 3 个工作日，未报”, rather than a bare 未报; undefined when he was not away.
 */
export function awayNotAnswered(awayWorkdays: number, workdays: number): string | undefined {
  if (awayWorkdays <= 0) return undefined;
  return awayWorkdays >= workdays ? "外出，未报" : `外出 ${awayWorkdays} 个工作日，未报`;
}
