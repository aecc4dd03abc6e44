import { dayLabel, editableUntil, monthLabel, reportDeadline } from "./liaison-calendar.ts";
import type { ReportMonthMode } from "./liaison-settings.ts";

/**
 * Whether a submitted form may be written, and whether it counts as on time.
 *
 * A first filing is always taken, however late (补报): a late record serves the ledger better than
 * none, and the statistics still show it as late. Changing a filed report is allowed only until the
 * month after next begins (report for October: until 1 December); afterwards the record is what the
 * 机关党委 has already summarised, so corrections go through them. A second submit of the same form is
 * an edit. An edit never changes on time / late: that is decided by the first filing.
 */

export type FilingTiming = "on_time" | "late";

/** Filed on or before the deadline day (local dates) is on time. */
export function filingTiming(reportMonth: string, mode: ReportMonthMode, filedOn: string): FilingTiming {
  return filedOn <= reportDeadline(reportMonth, mode) ? "on_time" : "late";
}

export type SubmissionDecision =
  | { ok: true; action: "create"; timing: FilingTiming }
  | { ok: true; action: "update" }
  | { ok: false; reason: "future_month" | "edit_closed"; message: string };

export function decideSubmission(input: {
  reportMonth: string;
  mode: ReportMonthMode;
  today: string;
  /** The report already on file for this leader, branch and month, if any. */
  existing: { filedOn: string } | undefined;
}): SubmissionDecision {
  const { reportMonth, mode, today, existing } = input;
  if (today < reportMonth)
    return {
      ok: false,
      reason: "future_month",
      message: `${monthLabel(reportMonth)}还没有开始，暂不能填报。`,
    };
  if (!existing) return { ok: true, action: "create", timing: filingTiming(reportMonth, mode, today) };
  return mayEdit(reportMonth, today)
    ? { ok: true, action: "update" }
    : { ok: false, reason: "edit_closed", message: editClosedMessage(reportMonth) };
}

/** The 修改 button works while today is before the 1st of the month after next. */
export function mayEdit(reportMonth: string, today: string): boolean {
  return today < editableUntil(reportMonth);
}

export function editClosedMessage(reportMonth: string): string {
  const until = editableUntil(reportMonth);
  return (
    `${monthLabel(reportMonth)}的联系点情况只能在 ${until.slice(0, 4)}年${dayLabel(until)} 前修改，现已过期。` +
    "如需更正，请联系机关党委。"
  );
}
