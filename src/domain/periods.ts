import { addDays } from "./time.ts";

/**
 * Calendar periods the branch-work rules count in: month, quarter, half-year, year. All in local
 * dates (YYYY-MM-DD) — the caller turns instants into local dates with `localDate` first, so a
 * meeting at 23:30 on 31 March in Beijing stays in the first quarter whatever the server's zone.
 */

export const PERIOD_UNITS = ["month", "quarter", "half_year", "year"] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

export const PERIOD_MONTHS: Record<PeriodUnit, number> = { month: 1, quarter: 3, half_year: 6, year: 12 };

/** 每月 / 每季度 / 每半年 / 每年, for rule descriptions and messages. */
export const PERIOD_UNIT_LABELS: Record<PeriodUnit, string> = {
  month: "每月",
  quarter: "每季度",
  half_year: "每半年",
  year: "每年",
};

export interface Period {
  unit: PeriodUnit;
  /** First day, inclusive. */
  start: string;
  /** Last day, inclusive. */
  end: string;
  /** Stable and sortable: 2026-03, 2026-Q1, 2026-H1, 2026. */
  key: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function ymd(date: string): [number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
}

// Status cards ask for the same few periods thousands of times (the organ overview: every rule of every
// branch over three windows); periods are immutable, so each is worked out once. Bounded: a day is a key.
const containing = new Map<string, Period>();
const within = new Map<string, readonly Period[]>();
const MEMO_LIMIT = 50_000;

/** The period of `unit` that contains `date`. */
export function periodContaining(date: string, unit: PeriodUnit): Period {
  const key = `${unit}|${date}`;
  const known = containing.get(key);
  if (known) return known;
  if (containing.size > MEMO_LIMIT) containing.clear();
  const period = computePeriod(date, unit);
  containing.set(key, Object.freeze(period));
  return period;
}

function computePeriod(date: string, unit: PeriodUnit): Period {
  const [year, month] = ymd(date);
  const size = PERIOD_MONTHS[unit];
  const index = Math.floor((month - 1) / size);
  const first = index * size + 1;
  const last = first + size - 1;
  const key =
    unit === "month"
      ? `${year}-${pad(month)}`
      : unit === "quarter"
        ? `${year}-Q${index + 1}`
        : unit === "half_year"
          ? `${year}-H${index + 1}`
          : String(year);
  return { unit, start: `${year}-${pad(first)}-01`, end: lastDayOfMonth(year, last), key };
}

/** The periods of `unit` that make up `outer`, in order; `unit` must not be longer than `outer`. */
export function periodsWithin(outer: Period, unit: PeriodUnit): Period[] {
  if (PERIOD_MONTHS[unit] > PERIOD_MONTHS[outer.unit]) return [];
  const key = `${unit}|${outer.start}|${outer.end}`;
  const known = within.get(key);
  if (known) return [...known];
  const out: Period[] = [];
  for (let d = outer.start; d <= outer.end; d = addDays(periodContaining(d, unit).end, 1)) {
    out.push(periodContaining(d, unit));
  }
  if (within.size > MEMO_LIMIT) within.clear();
  within.set(key, Object.freeze([...out]));
  return out;
}

/** Whether periods of `inner` nest inside one period of `outer` (month ⊂ quarter ⊂ half-year ⊂ year). */
export function nests(inner: PeriodUnit, outer: PeriodUnit): boolean {
  return PERIOD_MONTHS[inner] <= PERIOD_MONTHS[outer];
}

/** Days from `from` to `to`, both included (1 when equal). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export type PeriodPhase = "past" | "current" | "future";

/** A period is current through its last day; it is past from the day after. */
export function phaseOf(period: Period, today: string): PeriodPhase {
  if (period.end < today) return "past";
  if (period.start > today) return "future";
  return "current";
}

const QUARTER_NAMES = ["第一季度", "第二季度", "第三季度", "第四季度"];

/** 3月 / 第一季度 / 上半年 / 2026年: names within a year, as cards and messages say them. */
export function periodName(period: Period): string {
  const [year, month] = ymd(period.start);
  switch (period.unit) {
    case "month":
      return `${month}月`;
    case "quarter":
      return QUARTER_NAMES[Math.floor((month - 1) / 3)] ?? "";
    case "half_year":
      return month === 1 ? "上半年" : "下半年";
    case "year":
      return `${year}年`;
  }
}

/**
 * How a message names the period that contains today: 本月 / 本季度 / 本年. A half-year has no such
 * everyday word, so it is named (上半年 / 下半年).
 */
export function currentPeriodWord(period: Period): string {
  switch (period.unit) {
    case "month":
      return "本月";
    case "quarter":
      return "本季度";
    case "half_year":
      return periodName(period);
    case "year":
      return "本年";
  }
}

/** The `count` months ending with the one containing `today`, oldest first (for 12-month trends). */
export function monthsEnding(today: string, count: number): Period[] {
  const [year, month] = ymd(today);
  const out: Period[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    out.push(periodContaining(`${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`, "month"));
  }
  return out;
}
