import {
  listInvitees,
  listMeetingsStartingBetween,
  recentlyEndedMeetingIds,
  SIGN_IN_CARD_KIND,
  signInSubject,
} from "../../db/queries/meetings.ts";
import { onLeave, presentOn } from "../../domain/away.ts";
import type { PlannedMessage, Withdrawal } from "../../domain/reminders.ts";
import { localDate } from "../../domain/time.ts";
import { awayPeriods } from "../away/periods.ts";
import { messagesTo, type Recipients } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { signInCard } from "../views/meeting-cards.ts";
import { loadCounts, loadMeetingView } from "./meeting-view.ts";

/**
 * Posts each branch meeting's sign-in card to its group chat `leadMinutes` before the start. The card
 * stays useful until the meeting ends; a cancelled or moved meeting's unsent card is withdrawn.
 */
export function createSignInCardPlanner(settings: {
  leadMinutes: number;
  recipients: Recipients;
  horizonMs?: number;
}): ReminderPlanner {
  const { recipients } = settings;
  const leadMs = settings.leadMinutes * 60_000;
  const horizonMs = settings.horizonMs ?? 5 * 60_000;
  return {
    name: "meeting-sign-in-cards",
    async plan({ db, now, timeZone }) {
      // Meetings whose card is due by the horizon, back to those still running (catch-up after downtime).
      const due = await listMeetingsStartingBetween(
        db,
        new Date(now.getTime() - 24 * 3_600_000),
        new Date(now.getTime() + leadMs + horizonMs),
      );
      const running = due.filter((m) => m.endsAt > now);
      const chats = await recipients.branchChats(
        db,
        running.flatMap((m) => (m.branchId ? [m.branchId] : [])),
      );
      const messages: PlannedMessage[] = [];
      const withdrawals: Withdrawal[] = [];
      for (const meeting of running) {
        const subject = signInSubject(meeting.id);
        const view = await loadMeetingView(db, meeting, timeZone);
        const card = signInCard(view, await loadCounts(db, meeting.id));
        // A branch meeting's card goes to its group chat; a 党组会/中心组 card to each attendee privately,
        // except one away (外出) that day: he is not asked to sign in where he cannot be.
        let away: string[] = [];
        let addresses = chats.filter((c) => c.recipient === meeting.branchId);
        if (!meeting.branchId) {
          const invitees = (await listInvitees(db, meeting.id)).map((i) => i.memberId);
          const day = localDate(meeting.startsAt, timeZone);
          const leave = await awayPeriods(db, day, day, invitees);
          away = invitees.filter((id) => onLeave(leave, id, day));
          addresses = await recipients.members(db, presentOn(leave, invitees, day));
        }
        const spec = {
          kind: SIGN_IN_CARD_KIND,
          subject,
          slot: meeting.startsAt.toISOString(),
          message: { kind: "card" as const, card },
          dueAt: new Date(meeting.startsAt.getTime() - leadMs),
          expiresAt: meeting.endsAt,
          expiryReason: "会议已结束，签到卡片不再发送",
        };
        const planned = messagesTo(addresses, spec);
        const awayKeys = messagesTo(await recipients.members(db, away), spec).map((m) => m.idempotencyKey);
        messages.push(...planned);
        const keep = planned.map((m) => m.idempotencyKey);
        withdrawals.push({
          subjects: [subject],
          keep: [...keep, ...awayKeys],
          reason: "会议时间已调整，旧签到卡片作废",
        });
        if (awayKeys.length > 0)
          withdrawals.push({ subjects: [subject], keep, reason: "参会人员外出，不再发送签到卡片" });
      }
      // Cancelled and closed meetings take their unsent cards with them.
      const gone = await recentlyEndedMeetingIds(db, new Date(now.getTime() - 48 * 3_600_000));
      if (gone.length > 0)
        withdrawals.push({
          subjects: gone.map((id) => signInSubject(id)),
          keep: [],
          reason: "会议已取消或已结束",
        });
      return { messages, withdrawals };
    },
  };
}
