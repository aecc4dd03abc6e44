import { addYears } from "./time.ts";

/**
 * 换届: a branch committee serves `termYears` (3 in organs) from its election; the 机关党委 must remind
 * branches to re-elect on time. Pure: today comes in as a local date.
 */

/** The term is flagged from this many days before its end. */
export const TERM_WARN_DAYS = 90;

export type TermStatus =
  | { state: "unknown"; message: string }
  | {
      state: "ok" | "due_soon" | "expired";
      electedOn: string;
      /** The anniversary of the election `termYears` on: the day the term is 届满. */
      endsOn: string;
      /** Negative once the term is over. */
      daysLeft: number;
      message: string;
    };

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function termStatus(
  electedOn: string | null | undefined,
  termYears: number,
  today: string,
  warnDays = TERM_WARN_DAYS,
): TermStatus {
  if (!electedOn) {
    return {
      state: "unknown",
      message: "未登记本届支部委员会的选举日期（名册 elected_on），无法提示换届时间",
    };
  }
  const endsOn = addYears(electedOn, termYears);
  const daysLeft = daysFrom(today, endsOn);
  if (daysLeft < 0) {
    return {
      state: "expired",
      electedOn,
      endsOn,
      daysLeft,
      message: `支部委员会任期已于 ${endsOn} 届满，已超期 ${-daysLeft} 天，请尽快完成换届选举`,
    };
  }
  if (daysLeft <= warnDays) {
    const message =
      daysLeft === 0
        ? `支部委员会任期今天（${endsOn}）届满，请按期完成换届选举`
        : `支部委员会任期将于 ${endsOn} 届满（还有 ${daysLeft} 天），请及时做好换届准备`;
    return { state: "due_soon", electedOn, endsOn, daysLeft, message };
  }
  return { state: "ok", electedOn, endsOn, daysLeft, message: `本届支部委员会任期至 ${endsOn}` };
}

// ── reminders ────────────────────────────────────────────────────────────────────────────────────

export const TERM_REMINDER_KIND = "branch.term";
export const TERM_REMINDER_LEAD_DAYS: readonly number[] = [90, 30, 7, 0];
/** After the term has ended without a new election on record, remind again every this many days. */
export const TERM_OVERDUE_EVERY_DAYS = 30;

export type TermAudience = "secretary" | "organ_committee";

export interface TermReminder {
  /** kind|subject|audience|slot: the same reminder planned on any later tick gets the same key. */
  key: string;
  kind: typeof TERM_REMINDER_KIND;
  /** `branch:<id>` */
  subject: string;
  audience: TermAudience;
  /** `<endsOn>:d30`, `<endsOn>:overdue2`; endsOn in it so a new election starts fresh slots. */
  slot: string;
  text: string;
}

export interface TermReminderInput {
  branchId: string;
  branchName: string;
  electedOn: string | null | undefined;
  termYears: number;
  today: string;
  leadDays?: readonly number[];
  overdueEveryDays?: number;
}

/**
 * Which 换届 reminders are due today, for the scheduler's daily tick. One slot at a time: the nearest
 * lead time already reached (so a bot that was down on day 90 still sends it on day 88, but one down
 * from day 95 to day 25 sends only the 30-day reminder), then one every `overdueEveryDays` once the
 * term is over. Both the 书记 and the 机关党委 get each one. Not time-critical: plan them workdaysOnly.
 */
export function dueTermReminders(input: TermReminderInput): TermReminder[] {
  const term = termStatus(input.electedOn, input.termYears, input.today);
  if (term.state === "unknown") return [];
  const leads = [...(input.leadDays ?? TERM_REMINDER_LEAD_DAYS)].sort((a, b) => a - b);
  const every = input.overdueEveryDays ?? TERM_OVERDUE_EVERY_DAYS;
  let slot: string | undefined;
  if (term.daysLeft >= 0) {
    const lead = leads.find((l) => term.daysLeft <= l);
    if (lead !== undefined) slot = `d${lead}`;
  } else {
    const round = Math.floor(-term.daysLeft / every);
    // Until the first overdue round, the on-the-day slot (or the last lead) still stands.
    slot = round >= 1 ? `overdue${round}` : leads.length ? `d${leads[0]}` : undefined;
  }
  if (!slot) return [];
  const subject = `branch:${input.branchId}`;
  const fullSlot = `${term.endsOn}:${slot}`;
  const texts: Record<TermAudience, string> = {
    secretary: `【换届提醒】${input.branchName}：${term.message}。请按程序向机关党委报告，做好候选人酝酿、召开党员大会选举等工作。`,
    organ_committee: `【换届提醒】${input.branchName}：${term.message}。请督促该支部按期完成换届。`,
  };
  return (["secretary", "organ_committee"] as const).map((audience) => ({
    key: [TERM_REMINDER_KIND, subject, audience, fullSlot].join("|"),
    kind: TERM_REMINDER_KIND,
    subject,
    audience,
    slot: fullSlot,
    text: texts[audience],
  }));
}
