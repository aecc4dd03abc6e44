import { monthsEnding } from "./periods.ts";

/**
 * Attendance as inspections count it: people present over people expected, summed over the meetings
 * held (leave is not excused from the rate — see attendance.ts). Percentages 0–100, one decimal.
 */

export const TREND_MONTHS = 12;

export interface AttendanceFigure {
  meetings: number;
  present: number;
  expected: number;
  /** null when no meeting was held: "no data" is not 0%. */
  ratePercent: number | null;
}

export interface TrendPoint {
  /** 2026-03 */
  month: string;
  /** 3月 — twelve consecutive months never repeat a name. */
  label: string;
  meetings: number;
  ratePercent: number | null;
}

/** 17 of 20 → 85; 2 of 3 → 66.7. */
export function percent1(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}

/** Over meetings already known to be held (see isHeld in branch-status.ts). */
export function attendanceFigure(held: readonly { present: number; expected: number }[]): AttendanceFigure {
  let present = 0;
  let expected = 0;
  for (const m of held) {
    present += m.present;
    expected += m.expected;
  }
  return { meetings: held.length, present, expected, ratePercent: percent1(present, expected) };
}

/** The 12 months ending with today's, oldest first, each with its attendance or null. */
export function attendanceTrend(
  held: readonly { heldOn: string; present: number; expected: number }[],
  today: string,
): TrendPoint[] {
  return monthsEnding(today, TREND_MONTHS).map((p) => {
    const figure = attendanceFigure(held.filter((m) => m.heldOn >= p.start && m.heldOn <= p.end));
    return {
      month: p.key,
      label: `${Number(p.key.slice(5))}月`,
      meetings: figure.meetings,
      ratePercent: figure.ratePercent,
    };
  });
}
