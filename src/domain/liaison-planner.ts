import {
  addMonths,
  type LiaisonCycle,
  lastDayOfMonth,
  liaisonCycle,
  monthLabel,
  monthOf,
} from "./liaison-calendar.ts";
import {
  endOfDay,
  endOfLastWorkingDay,
  type FiledReport,
  type LeaderBranch,
  type LeavePeriod,
  type LiaisonAssignment,
  type LiaisonPlan,
  type LiaisonPlanned,
  type LiaisonRecipient,
  liaisonSubject,
  onLeave,
  pairsInForce,
  plannedKey,
} from "./liaison-plan.ts";
import type { LiaisonSettings } from "./liaison-settings.ts";
import { addDays, localDate, zonedInstant } from "./time.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/**
 * The monthly loop: each leader's card per liaison branch, nudges to those who have not filed, and the
 * 机关党委's summary after the deadline. Run on every scheduler tick; it plans only what is due today,
 * so its input is small and a day off or a day on leave simply plans nothing for that person.
 *
 * A report is expected from a leader for a month when the assignment is in force on the month's last
 * day: a leader assigned mid-month reports on that part-month, one whose assignment ended mid-month is
 * not chased. A card not sent on its day (leave, outage, an assignment made later) goes out on the next
 * working day until the deadline; its key names the month, so it is sent once.
 */

export interface LiaisonPlanInput {
  now: Date;
  timeZone: string;
  calendar: WorkCalendar;
  settings: LiaisonSettings;
  assignments: readonly LiaisonAssignment[];
  /** Reports filed for the last three months at least. */
  reports: readonly FiledReport[];
  leave: readonly LeavePeriod[];
}

export const LIAISON_CARD_KIND = "liaison.card";
export const LIAISON_NUDGE_KIND = "liaison.nudge";
export const LIAISON_SUMMARY_KIND = "liaison.summary";

/**
 * A summary first planned late (the scheduler was down on its day) still goes out within a week;
 * after that it is no news, and the next month's is near.
 */
const SUMMARY_CATCH_UP_DAYS = 7;

const reportKey = (p: LeaderBranch, month: string) => `${p.leaderId}|${p.branchId}|${month}`;

export function planLiaisonMonthly(input: LiaisonPlanInput): LiaisonPlan {
  const { calendar, settings, timeZone } = input;
  const today = localDate(input.now, timeZone);
  const working = calendar.isWorkingDay(today);
  const at = zonedInstant(today, settings.cardTime, timeZone);
  const filed = new Map(input.reports.map((r) => [reportKey(r, r.month), r]));
  const plan: LiaisonPlan = { messages: [], withdrawals: [], notes: [] };
  const done: string[] = [];

  // Cycles that can be live today: with "previous", the month before last is summarised early this month.
  for (let back = 2; back >= 0; back--) {
    const month = addMonths(monthOf(today), -back);
    const cycle = liaisonCycle(month, calendar, settings, timeZone);
    const pairs = pairsInForce(input.assignments, lastDayOfMonth(month));
    if (today === cycle.cardDay && cycle.nudges.unavailable.length > 0)
      plan.notes.push(
        `${monthLabel(month)}：截止日（${cycle.deadline}）前的工作日不足，` +
          `不安排剩 ${cycle.nudges.unavailable.join("、")} 个工作日时的催报`,
      );
    const nudge = cycle.nudges.days.find((n) => n.day === today);
    for (const pair of pairs) {
      const subject = liaisonSubject(pair, month);
      if (filed.has(reportKey(pair, month))) {
        done.push(subject);
        continue;
      }
      if (!working || onLeave(input.leave, pair.leaderId, today)) continue;
      const recipient: LiaisonRecipient = { type: "member", memberId: pair.leaderId };
      const common = { ...pair, subject, recipient, reportMonth: month, deadline: cycle.deadline };
      if (today >= cycle.cardDay && today <= cycle.deadline) {
        plan.messages.push({
          ...common,
          kind: LIAISON_CARD_KIND,
          slot: "card",
          key: plannedKey(LIAISON_CARD_KIND, subject, recipient, "card"),
          dueAt: at,
          expiresAt: endOfDay(cycle.deadline, timeZone),
          expiryReason: `${monthLabel(month)}联系点情况已过截止日期，不再发送填报卡片`,
        });
      }
      if (nudge) {
        const slot = `nudge@${today}`;
        plan.messages.push({
          ...common,
          kind: LIAISON_NUDGE_KIND,
          slot,
          key: plannedKey(LIAISON_NUDGE_KIND, subject, recipient, slot),
          workdaysLeft: nudge.workdaysLeft,
          dueAt: at,
          expiresAt: endOfDay(today, timeZone),
          expiryReason: "当天未能发送，催报不再补发",
        });
      }
    }
    const inCatchUp = today >= cycle.summaryDay && today < addDays(cycle.summaryDay, SUMMARY_CATCH_UP_DAYS);
    if (working && inCatchUp && pairs.length > 0) {
      plan.messages.push(summary(input, cycle, pairs, filed, at));
    }
  }
  if (done.length > 0) plan.withdrawals.push({ subjects: done, reason: "已填报联系点情况" });
  return plan;
}

function summary(
  input: LiaisonPlanInput,
  { reportMonth: month, cardDay, deadline, summaryDay }: LiaisonCycle,
  pairs: LeaderBranch[],
  filed: ReadonlyMap<string, FiledReport>,
  at: Date,
): LiaisonPlanned {
  const onTime: LeaderBranch[] = [];
  const late: LeaderBranch[] = [];
  const missing: (LeaderBranch & { awayDays: number })[] = [];
  let cycleWorkdays = 0;
  for (let d = cardDay; d <= deadline; d = addDays(d, 1)) if (input.calendar.isWorkingDay(d)) cycleWorkdays++;
  for (const pair of pairs) {
    const report = filed.get(reportKey(pair, month));
    if (report && report.filedOn <= deadline) onTime.push(pair);
    else if (report) late.push(pair);
    else {
      let awayDays = 0;
      for (let d = cardDay; d <= deadline; d = addDays(d, 1))
        if (input.calendar.isWorkingDay(d) && onLeave(input.leave, pair.leaderId, d)) awayDays++;
      missing.push({ ...pair, awayDays });
    }
  }
  const subject = `liaison-summary:${month}`;
  const recipient: LiaisonRecipient = { type: "organ_committee" };
  return {
    kind: LIAISON_SUMMARY_KIND,
    key: plannedKey(LIAISON_SUMMARY_KIND, subject, recipient, month),
    subject,
    slot: month,
    recipient,
    reportMonth: month,
    deadline,
    onTime,
    late,
    missing,
    cycleWorkdays,
    dueAt: at,
    expiresAt: endOfLastWorkingDay(
      input.calendar,
      summaryDay,
      addDays(summaryDay, SUMMARY_CATCH_UP_DAYS - 1),
      input.timeZone,
    ),
    expiryReason: `${monthLabel(month)}联系点情况汇总一周内未能发送，不再补发`,
  };
}
