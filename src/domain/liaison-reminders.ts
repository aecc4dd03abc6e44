import { addMonths, monthOf, nthWorkingDayOfMonth } from "./liaison-calendar.ts";
import {
  endOfLastWorkingDay,
  type FiledReport,
  type LeaderBranch,
  type LeavePeriod,
  type LiaisonAssignment,
  type LiaisonPlan,
  type LiaisonRecipient,
  onLeave,
  pairsInForce,
  plannedKey,
} from "./liaison-plan.ts";
import {
  type OwnerDirectory,
  overdueNudgeDecision,
  type ProblemStatus,
  resolveProblemOwner,
} from "./liaison-problems.ts";
import type { LiaisonSettings } from "./liaison-settings.ts";
import { delayDays } from "./study.ts";
import { addDays, isoWeekday, localDate, zonedInstant } from "./time.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/** The two follow-up loops: the yearly 调研 rule, and problems that stay open too long. */

export const LIAISON_RESEARCH_KIND = "liaison.research";
export const LIAISON_PROBLEM_OVERDUE_KIND = "liaison.problem_overdue";

interface Common {
  now: Date;
  timeZone: string;
  calendar: WorkCalendar;
  settings: LiaisonSettings;
  leave: readonly LeavePeriod[];
}

/** Distinct days a leader did 调研 at a branch in a year, from the reports' contacts. */
export function researchDays(reports: readonly FiledReport[], pair: LeaderBranch, year: number): string[] {
  const days = new Set<string>();
  for (const r of reports) {
    if (r.leaderId !== pair.leaderId || r.branchId !== pair.branchId) continue;
    for (const c of r.contacts) if (c.method === "research" && c.day.startsWith(`${year}-`)) days.add(c.day);
  }
  return [...days].sort();
}

/**
 * From the configured month (default October) to December, a leader who has not yet done the yearly
 * 调研 at a liaison branch is reminded once a month, on the card's working day or the first working
 * day after it that he is not away. Rows of pairs that have met the rule are withdrawn.
 */
export function planResearchReminders(
  input: Common & { assignments: readonly LiaisonAssignment[]; reports: readonly FiledReport[] },
): LiaisonPlan {
  const { calendar, settings, timeZone } = input;
  const plan: LiaisonPlan = { messages: [], withdrawals: [], notes: [] };
  const today = localDate(input.now, timeZone);
  const year = Number(today.slice(0, 4));
  const month = monthOf(today);
  const required = settings.researchPerYear;
  if (required === 0 || Number(today.slice(5, 7)) < settings.researchReminderFromMonth) return plan;
  if (today < nthWorkingDayOfMonth(calendar, month, settings.cardWorkday)) return plan;
  const met: string[] = [];
  for (const pair of pairsInForce(input.assignments, today)) {
    const subject = `liaison-research:${pair.leaderId}:${pair.branchId}:${year}`;
    const done = researchDays(input.reports, pair, year).length;
    if (done >= required) {
      met.push(subject);
      continue;
    }
    if (!calendar.isWorkingDay(today) || onLeave(input.leave, pair.leaderId, today)) continue;
    const recipient: LiaisonRecipient = { type: "member", memberId: pair.leaderId };
    const slot = month.slice(0, 7);
    plan.messages.push({
      kind: LIAISON_RESEARCH_KIND,
      key: plannedKey(LIAISON_RESEARCH_KIND, subject, recipient, slot),
      subject,
      slot,
      recipient,
      ...pair,
      year,
      done,
      required,
      dueAt: zonedInstant(today, settings.cardTime, timeZone),
      expiresAt: endOfLastWorkingDay(calendar, today, addDays(addMonths(month, 1), -1), timeZone),
      expiryReason: "本月调研提醒未能发送，下月再提醒",
    });
  }
  if (met.length > 0) plan.withdrawals.push({ subjects: met, reason: "已完成本年度调研" });
  return plan;
}

export interface TrackedProblem {
  id: string;
  branchId: string;
  /** The stored owner; undefined when none was set or the member was deleted. */
  ownerId: string | undefined;
  status: ProblemStatus;
  raisedOn: string;
  /** Day of the last overdue nudge sent or queued for it (from the outbox). */
  lastNudgedOn: string | undefined;
}

/**
 * Overdue problems nudge whoever must act, at most weekly on working days: the owner (or, if he left
 * the roster, the branch 书记 — the descriptor carries the note to audit), and for 需要协调 the
 * 机关党委, who owe the coordination. A nudge may wait out an outage until the week's last working day.
 */
export function planOverdueProblemNudges(
  input: Common & { problems: readonly TrackedProblem[]; directory: OwnerDirectory },
): LiaisonPlan {
  const { calendar, settings, timeZone } = input;
  const plan: LiaisonPlan = { messages: [], withdrawals: [], notes: [] };
  const today = localDate(input.now, timeZone);
  const resolved: string[] = [];
  for (const p of input.problems) {
    const subject = `liaison-problem:${p.id}`;
    if (p.status === "resolved") {
      resolved.push(subject);
      continue;
    }
    const owner = resolveProblemOwner(p.ownerId, p.branchId, input.directory);
    const recipient: LiaisonRecipient =
      p.status === "needs_coordination" || owner.kind === "organ_committee"
        ? { type: "organ_committee" }
        : { type: "member", memberId: owner.memberId };
    const decision = overdueNudgeDecision({
      problem: p,
      today,
      calendar,
      overdueDays: settings.problemOverdueDays,
      lastNudgedOn: p.lastNudgedOn,
      ownerOnLeave: recipient.type === "member" && onLeave(input.leave, recipient.memberId, today),
    });
    if (!decision.due) continue;
    const weekEnd = addDays(today, 7 - isoWeekday(today));
    plan.messages.push({
      kind: LIAISON_PROBLEM_OVERDUE_KIND,
      key: plannedKey(LIAISON_PROBLEM_OVERDUE_KIND, subject, recipient, decision.slot),
      subject,
      slot: decision.slot,
      recipient,
      problemId: p.id,
      branchId: p.branchId,
      daysOpen: delayDays(p.raisedOn, today),
      fallbackNote: owner.kind === "owner" ? undefined : owner.auditNote,
      dueAt: zonedInstant(today, settings.cardTime, timeZone),
      expiresAt: endOfLastWorkingDay(calendar, today, weekEnd, timeZone),
      expiryReason: "本周逾期提醒未能发送，下周再提醒",
    });
  }
  if (resolved.length > 0) plan.withdrawals.push({ subjects: resolved, reason: "问题已解决" });
  return plan;
}
