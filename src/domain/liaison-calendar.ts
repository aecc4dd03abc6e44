import type { LiaisonSettings, ReportMonthMode } from "./liaison-settings.ts";
import { addDays, zonedInstant } from "./time.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/**
 * When things happen in one 联系点 cycle: the card, the nudges, the deadline, the summary and the end of
 * the edit window. Months are written as their first day (YYYY-MM-01), as liaison_reports.month is.
 *
 * Deadline: with the card asking about the month it is sent in ("current"), the deadline is that
 * month's last day. With the card asking about the month just ended ("previous", the default), the card
 * goes out on a working day of month M about M−1 and the deadline is the last day of M: the leader gets
 * the whole month after the card to answer, the issue's "nudged before month end" then means the end of
 * M, and the summary follows on M+1's first working day. The deadline is a calendar day even when it is
 * a day off: the form can be filed any day, and the summary waits for a working day anyway.
 */

/** YYYY-MM-01 of the month a YYYY-MM-DD day falls in. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** Adds whole months to a YYYY-MM-01 month. */
export function addMonths(month: string, months: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return d.toISOString().slice(0, 10);
}

export function lastDayOfMonth(month: string): string {
  return addDays(addMonths(month, 1), -1);
}

/** 2026年10月 */
export function monthLabel(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

/** 10月8日 */
export function dayLabel(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
}

/** Working days from `from` to `to`, both included, in order. */
export function workingDaysBetween(calendar: WorkCalendar, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) out.push(d);
  return out;
}

/**
 * The nth working day of a month. A month with fewer (only if an admin marks most of it off) gives
 * its last working day, and a month with none the first working day after it: a late card beats none.
 */
export function nthWorkingDayOfMonth(calendar: WorkCalendar, month: string, n: number): string {
  const days = workingDaysBetween(calendar, month, lastDayOfMonth(month));
  return days[Math.min(n, days.length) - 1] ?? calendar.nextWorkingDay(addMonths(month, 1));
}

/** The month a card sent in `cardMonth` asks about. */
export function reportMonthOfCard(cardMonth: string, mode: ReportMonthMode): string {
  return mode === "previous" ? addMonths(cardMonth, -1) : cardMonth;
}

/** The month in which the card about `reportMonth` goes out. */
export function cardMonthOfReport(reportMonth: string, mode: ReportMonthMode): string {
  return mode === "previous" ? addMonths(reportMonth, 1) : reportMonth;
}

/** The last day on which filing counts as on time (see the comment at the top). */
export function reportDeadline(reportMonth: string, mode: ReportMonthMode): string {
  return lastDayOfMonth(cardMonthOfReport(reportMonth, mode));
}

/** A filed report can be changed before this day: the 1st of the month after next (M → M+2). */
export function editableUntil(reportMonth: string): string {
  return addMonths(reportMonth, 2);
}

export interface NudgeDay {
  day: string;
  /** Working days left until the deadline, this day included (the setting it comes from). */
  workdaysLeft: number;
}

export interface NudgePlan {
  /** In date order. */
  days: NudgeDay[];
  /** Settings with no working day for them after the card day; a non-empty list deserves a log line. */
  unavailable: number[];
}

/**
 * Nudge days: the working day with exactly N working days left until the deadline (deadline day
 * included, so 1 is the last working day before it passes). Only days after the card day count: the
 * card itself is that day's reminder. When the window has fewer working days than N, that nudge is
 * reported as unavailable instead of being moved before the card.
 */
export function nudgeDays(
  calendar: WorkCalendar,
  cardDay: string,
  deadline: string,
  workdaysLeft: readonly number[],
): NudgePlan {
  const window = workingDaysBetween(calendar, addDays(cardDay, 1), deadline);
  const days: NudgeDay[] = [];
  const unavailable: number[] = [];
  for (const n of [...new Set(workdaysLeft)].sort((a, b) => b - a)) {
    const day = window[window.length - n];
    if (day) days.push({ day, workdaysLeft: n });
    else unavailable.push(n);
  }
  return { days, unavailable };
}

/** Working days from `today` to the deadline, both included; 0 once none is left. */
export function workingDaysLeft(calendar: WorkCalendar, today: string, deadline: string): number {
  return workingDaysBetween(calendar, today, deadline).length;
}

/** The Chinese line a leader sees on the form about the time left. */
export function timeLeftText(calendar: WorkCalendar, today: string, deadline: string): string {
  if (today > deadline) return `已过截止日期（${dayLabel(deadline)}），现在提交将记为补报。`;
  const left = workingDaysLeft(calendar, today, deadline);
  if (left === 0) return `截止日期为 ${dayLabel(deadline)}，此前已没有工作日，请尽快提交。`;
  return `请于 ${dayLabel(deadline)} 前提交，还剩 ${left} 个工作日（含今天）。`;
}

export interface LiaisonCycle {
  reportMonth: string;
  cardDay: string;
  cardAt: Date;
  deadline: string;
  nudges: NudgePlan;
  /** The first working day after the deadline: the 机关党委 gets who filed and who did not. */
  summaryDay: string;
  summaryAt: Date;
  /** Edits are refused from this day on. */
  editableUntil: string;
}

/** Every date of the cycle for one report month. */
export function liaisonCycle(
  reportMonth: string,
  calendar: WorkCalendar,
  settings: LiaisonSettings,
  timeZone: string,
): LiaisonCycle {
  const cardMonth = cardMonthOfReport(reportMonth, settings.reportMonth);
  const cardDay = nthWorkingDayOfMonth(calendar, cardMonth, settings.cardWorkday);
  const deadline = reportDeadline(reportMonth, settings.reportMonth);
  const summaryDay = calendar.nextWorkingDay(addDays(deadline, 1));
  return {
    reportMonth,
    cardDay,
    cardAt: zonedInstant(cardDay, settings.cardTime, timeZone),
    deadline,
    nudges: nudgeDays(calendar, cardDay, deadline, settings.nudgeWorkdays),
    summaryDay,
    summaryAt: zonedInstant(summaryDay, settings.cardTime, timeZone),
    editableUntil: editableUntil(reportMonth),
  };
}
