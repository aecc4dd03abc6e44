/**
 * 联系点 settings: when the monthly card goes out, which month it asks about, when non-responders are
 * nudged, the yearly 调研 rule and when an open problem is overdue. Local policies differ (DOMAIN.md §3),
 * so each is an environment variable; this reads them from a plain record and stays pure.
 */

export type ReportMonthMode = "previous" | "current";

export interface LiaisonSettings {
  /** The card goes out on this working day of the month (1 = the first). */
  cardWorkday: number;
  /** Local HH:MM for the card, and for nudges, summaries and reminders that follow it. */
  cardTime: string;
  /** Which month the card asks about: the one just ended (default) or the one it is sent in. */
  reportMonth: ReportMonthMode;
  /** Non-responders are nudged when this many working days are left, deadline day included; descending. */
  nudgeWorkdays: number[];
  /** On-site 调研 visits each leader owes each liaison branch per calendar year (0: no rule). */
  researchPerYear: number;
  /** From this month (1–12) on, leaders still short of the 调研 rule are reminded monthly. */
  researchReminderFromMonth: number;
  /** A problem still unresolved this many days after it was raised is overdue. */
  problemOverdueDays: number;
}

export const DEFAULT_LIAISON_SETTINGS: LiaisonSettings = {
  cardWorkday: 1,
  cardTime: "09:00",
  reportMonth: "previous",
  nudgeWorkdays: [3, 1],
  researchPerYear: 1,
  researchReminderFromMonth: 10,
  problemOverdueDays: 30,
};

/** The variable behind each setting; messages name it so an operator knows what to fix. */
export const LIAISON_ENV: Record<keyof LiaisonSettings, string> = {
  cardWorkday: "LIAISON_CARD_WORKDAY",
  cardTime: "LIAISON_CARD_TIME",
  reportMonth: "LIAISON_REPORT_MONTH",
  nudgeWorkdays: "LIAISON_NUDGE_WORKDAYS",
  researchPerYear: "LIAISON_RESEARCH_PER_YEAR",
  researchReminderFromMonth: "LIAISON_RESEARCH_REMINDER_FROM_MONTH",
  problemOverdueDays: "LIAISON_PROBLEM_OVERDUE_DAYS",
};

export type LiaisonSettingsResult =
  | { ok: true; settings: LiaisonSettings }
  | { ok: false; problems: string[] };

type Read<T> = { value: T } | { error: string };

function integer(raw: string, min: number, max: number, rule: string): Read<number> {
  const n = Number(raw);
  return /^-?\d+$/.test(raw) && n >= min && n <= max ? { value: n } : { error: rule };
}

function clock(raw: string): Read<string> {
  const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(raw);
  return m ? { value: `${m[1]?.padStart(2, "0")}:${m[2]}` } : { error: "应为 HH:MM，例如 09:00" };
}

function mode(raw: string): Read<ReportMonthMode> {
  const v = raw.toLowerCase();
  if (["previous", "prev", "上月", "上个月"].includes(v)) return { value: "previous" };
  if (["current", "本月", "当月"].includes(v)) return { value: "current" };
  return { error: "应为 previous（上月，默认）或 current（本月）" };
}

function workdayList(raw: string): Read<number[]> {
  if (["off", "none", "关闭", "不催报"].includes(raw.toLowerCase())) return { value: [] };
  const list = raw
    .split(/[,，、\s]+/)
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 20))
    return { error: "应为逗号分隔的工作日数（1–20），例如 3,1；或 off 表示不催报" };
  return { value: [...new Set(list)].sort((a, b) => b - a) };
}

const READERS: { [K in keyof LiaisonSettings]: (raw: string) => Read<LiaisonSettings[K]> } = {
  // A month with fewer working days (February 2026 has 16) sends on its last one: nthWorkingDayOfMonth.
  cardWorkday: (raw) => integer(raw, 1, 20, "应为 1–20 之间的整数（每月第几个工作日），例如 1"),
  cardTime: clock,
  reportMonth: mode,
  nudgeWorkdays: workdayList,
  researchPerYear: (raw) =>
    integer(raw, 0, 12, "应为 0–12 之间的整数（每个联系点每年调研次数，0 表示不要求）"),
  researchReminderFromMonth: (raw) => integer(raw, 1, 12, "应为 1–12 之间的整数（从几月起每月提醒）"),
  problemOverdueDays: (raw) => integer(raw, 1, 365, "应为 1–365 之间的整数（天）"),
};

/** Reads LIAISON_* variables; blank or missing ones take the default. Every bad value is reported. */
export function readLiaisonSettings(env: Record<string, string | undefined>): LiaisonSettingsResult {
  const settings: Record<string, unknown> = { ...DEFAULT_LIAISON_SETTINGS };
  const problems: string[] = [];
  for (const key of Object.keys(READERS) as (keyof LiaisonSettings)[]) {
    const raw = env[LIAISON_ENV[key]]?.normalize("NFKC").trim();
    if (!raw) continue;
    const read = READERS[key](raw) as Read<unknown>;
    if ("error" in read) problems.push(`${LIAISON_ENV[key]}: ${read.error}（现为 “${raw}”）`);
    else settings[key] = read.value;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: settings as unknown as LiaisonSettings };
}
