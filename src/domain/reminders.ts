import type { MessageTarget, OutboundMessage, PlatformName } from "../platforms/types.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/**
 * What every reminder planner returns: messages to put in the outbox, and rows it no longer wants.
 * Planners are pure; the scheduler (src/app/scheduler.ts) loads their input and stores their output.
 */
export interface PlannedMessage {
  /** kind + subject + target + slot: planning the same reminder twice gives the same key. */
  idempotencyKey: string;
  kind: string;
  /** What it is about, e.g. `meeting:<id>`; lets a planner withdraw rows for that subject. */
  subject: string;
  platform: PlatformName;
  target: MessageTarget;
  message: OutboundMessage;
  dueAt: Date;
  /** After this the message is useless (e.g. "meeting in 1 hour" once the meeting has started). */
  expiresAt?: Date;
  /** Stored with the row and recorded as the skip reason if it expires unsent. */
  expiryReason?: string;
  /**
   * Not time-critical (monthly, overdue nudges): if due on a day off, it moves to the next working day.
   * Meeting reminders leave this unset — the meeting happens whatever the calendar says.
   */
  workdaysOnly?: boolean;
}

/** Pending rows of these subjects whose keys are not in `keep` are skipped with `reason`. */
export interface Withdrawal {
  subjects: string[];
  keep: string[];
  reason: string;
}

export interface PlanResult {
  messages: PlannedMessage[];
  withdrawals: Withdrawal[];
}

export interface KeyParts {
  kind: string;
  subject: string;
  platform: PlatformName;
  target: MessageTarget;
  /** Which occurrence: a lead time plus the instant it refers to, a month, a date… */
  slot: string;
}

/** Deterministic and readable; `|` separates parts because ids never contain it. */
export function idempotencyKey(p: KeyParts): string {
  return [p.kind, p.subject, `${p.platform}:${p.target.type}:${p.target.id}`, p.slot].join("|");
}

export interface CalendarPolicy {
  calendar: WorkCalendar;
  timeZone: string;
  /** Local HH:MM at which shifted reminders go out on the next working day. */
  workdayTime: string;
}

/**
 * Moves `workdaysOnly` messages off days off. The key is left alone, so shifting never creates a
 * second row; an expiry that would now come before the due time is pushed back with it.
 */
export function applyWorkCalendar(messages: PlannedMessage[], policy: CalendarPolicy): PlannedMessage[] {
  return messages.map((m) => {
    if (!m.workdaysOnly) return m;
    const shift = policy.calendar.shiftToWorkingDay(m.dueAt, policy.timeZone, policy.workdayTime);
    if (!shift.shifted) return m;
    const delta = shift.at.getTime() - m.dueAt.getTime();
    return {
      ...m,
      dueAt: shift.at,
      expiresAt: m.expiresAt ? new Date(m.expiresAt.getTime() + delta) : undefined,
    };
  });
}
