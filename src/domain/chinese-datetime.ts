import { isValidDate } from "./roster.ts";
import { addDays, isoWeekday, localDate, zonedInstant } from "./time.ts";

/**
 * Reads the dates and times people type in Chinese chat — 明天 9:30, 下周三下午3点, 12月3日 15:00,
 * 2026-12-03 15:00, 12-03 15:00-16:30 — relative to `now` in the organ's time zone.
 * Never guesses: an ambiguous or past time comes back as a question.
 */

export interface ParsedTime {
  ok: true;
  date: string; // YYYY-MM-DD, local
  start: string; // HH:MM, local
  end: string | undefined; // HH:MM, local, when a range was given
  startsAt: Date;
  endsAt: Date | undefined;
  /** The text left over once date and time are taken out (e.g. the place). */
  rest: string;
}

export interface TimeQuestion {
  ok: false;
  question: string;
}

export type TimeParse = ParsedTime | TimeQuestion;

const WEEKDAYS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  "1": 1,
  "2": 2,
  "3": 3,
  "4": 4,
  "5": 5,
  "6": 6,
  "7": 7,
};
const WEEKDAY_NAMES = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 十二 → 12, 二十五 → 25, 3 → 3. */
function toNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(text)) return undefined;
  if (text === "十") return 10;
  const i = text.indexOf("十");
  if (i === -1) return text.length === 1 ? CN_DIGITS[text] : undefined;
  const tens = i === 0 ? 1 : (CN_DIGITS[text.slice(0, i)] ?? Number.NaN);
  const ones = i === text.length - 1 ? 0 : (CN_DIGITS[text.slice(i + 1)] ?? Number.NaN);
  const n = tens * 10 + ones;
  return Number.isNaN(n) ? undefined : n;
}

const NUM = "[0-9零〇一二两三四五六七八九十]{1,3}";

interface Found<T> {
  value: T;
  index: number;
  length: number;
}

type DateFound = Found<{ date: string } | { question: string }>;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function findDate(text: string, today: string): DateFound | undefined {
  const [ty, tm] = today.split("-").map(Number) as [number, number];

  // 2026-12-03, 2026/12/3, 2026.12.3, 2026年12月3日
  let m = new RegExp(`(\\d{4})\\s*(?:[-/.]|年)\\s*(${NUM})\\s*(?:[-/.]|月)\\s*(${NUM})\\s*[日号]?`).exec(
    text,
  );
  if (m) {
    const [y, mo, d] = [Number(m[1]), toNumber(m[2] ?? ""), toNumber(m[3] ?? "")];
    const date = mo && d ? `${y}-${pad(mo)}-${pad(d)}` : "";
    return {
      value: isValidDate(date)
        ? { date }
        : { question: `“${m[0]}” 不是有效日期，请重新输入（如 12月3日）。` },
      index: m.index,
      length: m[0].length,
    };
  }
  // 12月3日 / 12月3号 / 十二月三日, 12-03, 12/3 (not followed by ':' which would be a time)
  m = new RegExp(
    `(${NUM})\\s*月\\s*(${NUM})\\s*[日号]?|(?<![\\d:：])(\\d{1,2})[-/](\\d{1,2})(?![\\d:：/-])`,
  ).exec(text);
  if (m) {
    const mo = toNumber(m[1] ?? m[3] ?? "");
    const d = toNumber(m[2] ?? m[4] ?? "");
    if (!mo || !d || mo > 12) {
      return {
        value: { question: `“${m[0]}” 不是有效日期，请重新输入（如 12月3日）。` },
        index: m.index,
        length: m[0].length,
      };
    }
    // No year: this year's date, or next year's when this year's is long past (1月 typed in November means
    // next January). A date only just gone stays in this year and is then refused as past, not guessed.
    let year = ty;
    const thisYear = `${ty}-${pad(mo)}-${pad(d)}`;
    if (isValidDate(thisYear) ? thisYear < addDays(today, -60) : mo < tm) year = ty + 1;
    const date = `${year}-${pad(mo)}-${pad(d)}`;
    if (!isValidDate(date)) {
      return {
        value: { question: `${year} 年没有 ${mo} 月 ${d} 日，请重新输入日期。` },
        index: m.index,
        length: m[0].length,
      };
    }
    return { value: { date }, index: m.index, length: m[0].length };
  }
  // 今天 明天 后天 大后天
  m = /大后天|后天|明天|今天|明日|今日/.exec(text);
  if (m) {
    const offset = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3 }[m[0]] ?? 0;
    return { value: { date: addDays(today, offset) }, index: m.index, length: m[0].length };
  }
  // 下周三, 下下周一, 本周五, 这周五, 周三, 星期三, 礼拜三
  m = /(下下|下|本|这|这个|下个)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])/.exec(text);
  if (m) {
    const target = WEEKDAYS[m[2] ?? ""] ?? 1;
    const wd = isoWeekday(today);
    const monday = addDays(today, 1 - wd);
    const prefix = m[1] ?? "";
    let date: string;
    if (prefix === "下" || prefix === "下个") date = addDays(monday, 7 + target - 1);
    else if (prefix === "下下") date = addDays(monday, 14 + target - 1);
    else if (prefix === "本" || prefix === "这" || prefix === "这个") date = addDays(monday, target - 1);
    else {
      // A bare 周三 means the coming one; today's weekday means today.
      date = addDays(today, (target - wd + 7) % 7);
    }
    return { value: { date }, index: m.index, length: m[0].length };
  }
  return undefined;
}

type Period = "morning" | "noon" | "afternoon" | "evening" | undefined;

interface TimeFound {
  hour: number;
  minute: number;
  period: Period;
  explicit24: boolean;
}

const PERIOD_WORDS = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚";

function periodOf(word: string | undefined): Period {
  if (!word) return undefined;
  if (["凌晨", "早上", "早晨", "上午"].includes(word)) return "morning";
  if (word === "中午") return "noon";
  if (word === "下午") return "afternoon";
  return "evening";
}

function findTimes(text: string): Found<TimeFound[]> | undefined {
  // Minutes after 点 must touch it ("3点20", "三点二十分"), so "5点 三楼" keeps its 三.
  const one = `(${PERIOD_WORDS})?\\s*(?:(\\d{1,2})\\s*[:：]\\s*(\\d{2})|(${NUM})\\s*[点时](?:(半|一刻|三刻)|(\\d{1,2})分?|([零一二三四五六七八九十]{1,3})分)?)`;
  const re = new RegExp(`${one}(?:\\s*(?:-|—|–|~|～|至|到)\\s*${one})?`);
  const m = re.exec(text);
  if (!m) return undefined;
  const read = (g: (string | undefined)[]): TimeFound | undefined => {
    const [periodWord, hColon, mColon, hCn, fraction, minDigits, minCn] = g;
    if (hColon === undefined && hCn === undefined) return undefined;
    const hour = hColon !== undefined ? Number(hColon) : (toNumber(hCn ?? "") ?? Number.NaN);
    let minute = 0;
    if (mColon !== undefined) minute = Number(mColon);
    else if (fraction === "半") minute = 30;
    else if (fraction === "一刻") minute = 15;
    else if (fraction === "三刻") minute = 45;
    else if (minDigits !== undefined) minute = Number(minDigits);
    else if (minCn !== undefined) minute = toNumber(minCn) ?? Number.NaN;
    return { hour, minute, period: periodOf(periodWord), explicit24: hColon !== undefined && hour >= 13 };
  };
  const first = read(m.slice(1, 8));
  const second = read(m.slice(8, 15));
  if (!first) return undefined;
  return { value: second ? [first, second] : [first], index: m.index, length: m[0].length };
}

/** 24-hour clock for a spoken time, or a question when the hour could be morning or afternoon. */
function resolveHour(t: TimeFound, fallbackPeriod: Period): { hhmm: string } | { question: string } {
  const { minute } = t;
  let { hour } = t;
  const period = t.period ?? fallbackPeriod;
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour > 24 || minute > 59) {
    return { question: "没能看懂这个时间，请写成 15:00 或 下午3点 这样的格式。" };
  }
  if (period === "afternoon" || period === "evening") {
    if (hour >= 1 && hour <= 11) hour += 12;
    else if (hour === 12 && period === "evening")
      return { question: "“晚上12点” 是当天结束还是次日零点？请写明日期和 0:00 或 23:59。" };
  } else if (period === "noon") {
    if (hour >= 1 && hour <= 2) hour += 12;
  } else if (period === "morning") {
    if (hour > 12) return { question: `上午没有 ${hour} 点，请核对时间。` };
    if (hour === 12) hour = 0;
  } else if (!t.explicit24 && hour >= 1 && hour <= 6) {
    // "3点" in an office: nearly always 15:00, but a guess is a guess.
    return {
      question: `是上午 ${hour} 点还是下午 ${hour} 点？请写明，例如 “下午${hour}点” 或 “${hour + 12}:${pad(minute)}”。`,
    };
  }
  if (hour === 24) return { question: "请把 24 点写成次日的 0:00。" };
  return { hhmm: `${pad(hour)}:${pad(minute)}` };
}

/**
 * Parses a date and a time (optionally a range) from free text.
 * `now` is the current instant; results are in `timeZone`.
 */
export function parseChineseDateTime(text: string, now: Date, timeZone: string): TimeParse {
  const today = localDate(now, timeZone);
  const normalized = text.replace(/\s+/g, " ").trim();
  const dateFound = findDate(normalized, today);
  if (dateFound && "question" in dateFound.value) return { ok: false, question: dateFound.value.question };
  const foundDate = dateFound && "date" in dateFound.value ? dateFound.value.date : undefined;
  // Times are looked for with the date taken out, so 12-03 is not read as a time.
  const withoutDate = dateFound
    ? `${normalized.slice(0, dateFound.index)} ${normalized.slice(dateFound.index + dateFound.length)}`
    : normalized;
  const timesFound = findTimes(withoutDate);
  if (!dateFound && !timesFound)
    return { ok: false, question: "请告诉我会议的日期和时间，例如 “12月3日 15:00” 或 “下周三下午3点”。" };
  if (!dateFound || !foundDate)
    return { ok: false, question: "请写明会议日期，例如 “明天”、“12月3日” 或 “下周三”。" };
  if (!timesFound) return { ok: false, question: "请写明会议开始时间，例如 “15:00” 或 “下午3点”。" };

  const [first, second] = timesFound.value as [TimeFound, TimeFound | undefined];
  const start = resolveHour(first, undefined);
  if ("question" in start) return { ok: false, question: start.question };
  let end: string | undefined;
  if (second) {
    // "下午3点到5点": the end inherits the start's half of the day.
    const resolved = resolveHour(
      second,
      first.period ?? (Number(start.hhmm.slice(0, 2)) >= 12 ? "afternoon" : undefined),
    );
    if ("question" in resolved) return { ok: false, question: resolved.question };
    if (resolved.hhmm <= start.hhmm)
      return { ok: false, question: `结束时间 ${resolved.hhmm} 不晚于开始时间 ${start.hhmm}，请核对。` };
    end = resolved.hhmm;
  }
  const date = foundDate;
  const startsAt = zonedInstant(date, start.hhmm, timeZone);
  if (startsAt.getTime() <= now.getTime()) {
    return { ok: false, question: `${formatDateCn(date)} ${start.hhmm} 已经过去了，请确认会议日期和时间。` };
  }
  const rest = withoutDate
    .slice(0, timesFound.index)
    .concat(" ", withoutDate.slice(timesFound.index + timesFound.length))
    .replace(/\s+/g, " ")
    .trim();
  return {
    ok: true,
    date,
    start: start.hhmm,
    end,
    startsAt,
    endsAt: end ? zonedInstant(date, end, timeZone) : undefined,
    rest,
  };
}

/** 12月3日（周三） */
export function formatDateCn(isoDate: string): string {
  const [, m, d] = isoDate.split("-").map(Number);
  return `${m}月${d}日（${WEEKDAY_NAMES[isoWeekday(isoDate)]}）`;
}
