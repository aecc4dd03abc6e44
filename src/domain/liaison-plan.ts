import type { Contact } from "./liaison-report.ts";
import { addDays, zonedInstant } from "./time.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/**
 * What the 联系点 planners take and give. They return plain descriptors — who, what kind, which
 * subject and slot, when — and the app turns each into cards and platform targets, computing the
 * outbox key with idempotencyKey({ kind, subject, platform, target, slot }) per target, so a recipient
 * reached on two platforms or an organ committee with several admins gets one row each.
 */

export interface LiaisonAssignment {
  leaderId: string;
  branchId: string;
  validFrom: string;
  /** Last day in force; undefined while current. */
  validTo: string | undefined;
}

export interface FiledReport {
  leaderId: string;
  branchId: string;
  /** YYYY-MM-01 */
  month: string;
  /** Local date of the first filing (edits do not move it). */
  filedOn: string;
  contacts: readonly Contact[];
}

export type { LeavePeriod } from "./away.ts";
export { onLeave } from "./away.ts";

export type LiaisonRecipient = { type: "member"; memberId: string } | { type: "organ_committee" };

export interface LeaderBranch {
  leaderId: string;
  branchId: string;
}

interface PlannedBase {
  /** kind | subject | recipient | slot: stable across re-planning; for logs and tests. */
  key: string;
  subject: string;
  slot: string;
  recipient: LiaisonRecipient;
  dueAt: Date;
  expiresAt: Date;
  expiryReason: string;
}

export type LiaisonPlanned =
  | (PlannedBase & { kind: "liaison.card"; reportMonth: string; deadline: string } & LeaderBranch)
  | (PlannedBase & {
      kind: "liaison.nudge";
      reportMonth: string;
      deadline: string;
      workdaysLeft: number;
    } & LeaderBranch)
  | (PlannedBase & {
      kind: "liaison.summary";
      reportMonth: string;
      deadline: string;
      onTime: LeaderBranch[];
      late: LeaderBranch[];
      /** `awayDays`: working days of the cycle (card day to deadline) the leader was on leave. */
      missing: (LeaderBranch & { awayDays: number })[];
      /** Working days from the card day to the deadline: away all of them is “外出，未报”. */
      cycleWorkdays: number;
    })
  | (PlannedBase & { kind: "liaison.research"; year: number; done: number; required: number } & LeaderBranch)
  | (PlannedBase & {
      kind: "liaison.problem_overdue";
      problemId: string;
      branchId: string;
      daysOpen: number;
      /** Set when the stored owner is no longer in the roster: the app records it, audited. */
      fallbackNote: string | undefined;
    });

export type LiaisonKind = LiaisonPlanned["kind"];

/** Pending rows of these subjects are no longer wanted (filed, resolved, rule met). */
export interface LiaisonWithdrawal {
  subjects: string[];
  reason: string;
}

export interface LiaisonPlan {
  messages: LiaisonPlanned[];
  withdrawals: LiaisonWithdrawal[];
  /** For logs: what could not be planned and why. */
  notes: string[];
}

export const liaisonSubject = (p: LeaderBranch, month: string) =>
  `liaison:${p.leaderId}:${p.branchId}:${month}`;

export function recipientKey(r: LiaisonRecipient): string {
  return r.type === "member" ? `member:${r.memberId}` : "organ_committee";
}

export function plannedKey(kind: LiaisonKind, subject: string, recipient: LiaisonRecipient, slot: string) {
  return [kind, subject, recipientKey(recipient), slot].join("|");
}

export function inForce(a: LiaisonAssignment, day: string): boolean {
  return a.validFrom <= day && (a.validTo === undefined || a.validTo >= day);
}

/** Each leader-branch pair once, for assignments in force on `day`. */
export function pairsInForce(assignments: readonly LiaisonAssignment[], day: string): LeaderBranch[] {
  const seen = new Map<string, LeaderBranch>();
  for (const a of assignments)
    if (inForce(a, day))
      seen.set(`${a.leaderId}|${a.branchId}`, { leaderId: a.leaderId, branchId: a.branchId });
  return [...seen.values()];
}

/** Midnight at the start of the day after `day`: a message for one day expires then. */
export function endOfDay(day: string, timeZone: string): Date {
  return zonedInstant(addDays(day, 1), "00:00", timeZone);
}

/**
 * The end of the last working day from `from` to `to`: a message that may wait out an outage for a
 * few days expires then, rather than going out on a day off. (An outbox key, once planned, is never
 * planned again, so the expiry is the message's only second chance.)
 */
export function endOfLastWorkingDay(
  calendar: WorkCalendar,
  from: string,
  to: string,
  timeZone: string,
): Date {
  let last = from;
  for (let d = from; d <= to; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) last = d;
  return endOfDay(last, timeZone);
}
