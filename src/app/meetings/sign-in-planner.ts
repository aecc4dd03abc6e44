import { and, gte, inArray } from "drizzle-orm";
import {
  listInvitees,
  listMeetingsStartingBetween,
  SIGN_IN_CARD_KIND,
  signInSubject,
} from "../../db/queries/meetings.ts";
import { platformAddresses } from "../../db/queries/member-directory.ts";
import { branchChats, meetings } from "../../db/schema.ts";
import type { Executor } from "../../db/types.ts";
import { idempotencyKey, type PlannedMessage, type Withdrawal } from "../../domain/reminders.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { signInCard } from "../views/meeting-cards.ts";
import { loadCounts, loadMeetingView } from "./meeting-view.ts";

/**
 * Posts each branch meeting's sign-in card to its group chat `leadMinutes` before the start. The card
 * stays useful until the meeting ends; a cancelled or moved meeting's unsent card is withdrawn.
 */
export function createSignInCardPlanner(settings: {
  leadMinutes: number;
  horizonMs?: number;
}): ReminderPlanner {
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
      const branchIds = running.flatMap((m) => (m.branchId ? [m.branchId] : []));
      const chats = branchIds.length
        ? await db.select().from(branchChats).where(inArray(branchChats.branchId, branchIds))
        : [];
      const messages: PlannedMessage[] = [];
      const withdrawals: Withdrawal[] = [];
      for (const meeting of running) {
        const subject = signInSubject(meeting.id);
        const view = await loadMeetingView(db, meeting, timeZone);
        const card = signInCard(view, await loadCounts(db, meeting.id));
        const keep: string[] = [];
        // A branch meeting's card goes to its group chat; a 党组会/中心组 card to each attendee privately.
        const targets = meeting.branchId
          ? chats
              .filter((c) => c.branchId === meeting.branchId)
              .map((c) => ({ platform: c.platform, target: { type: "chat" as const, id: c.chatId } }))
          : await inviteeAddresses(db, meeting.id);
        for (const { platform, target } of targets) {
          const key = idempotencyKey({
            kind: SIGN_IN_CARD_KIND,
            subject,
            platform,
            target,
            slot: meeting.startsAt.toISOString(),
          });
          keep.push(key);
          messages.push({
            idempotencyKey: key,
            kind: SIGN_IN_CARD_KIND,
            subject,
            platform,
            target,
            message: { kind: "card", card },
            dueAt: new Date(meeting.startsAt.getTime() - leadMs),
            expiresAt: meeting.endsAt,
            expiryReason: "会议已结束，签到卡片不再发送",
          });
        }
        withdrawals.push({ subjects: [subject], keep, reason: "会议时间已调整，旧签到卡片作废" });
      }
      // Cancelled and closed meetings take their unsent cards with them.
      const gone = await db
        .select({ id: meetings.id })
        .from(meetings)
        .where(
          and(
            inArray(meetings.state, ["cancelled", "closed"]),
            gte(meetings.updatedAt, new Date(now.getTime() - 48 * 3_600_000)),
          ),
        );
      if (gone.length > 0)
        withdrawals.push({
          subjects: gone.map((g) => signInSubject(g.id)),
          keep: [],
          reason: "会议已取消或已结束",
        });
      return { messages, withdrawals };
    },
  };
}

async function inviteeAddresses(db: Executor, meetingId: string) {
  const invitees = await listInvitees(db, meetingId);
  const out: { platform: "feishu" | "dingtalk"; target: { type: "user"; id: string } }[] = [];
  for (const platform of ["feishu", "dingtalk"] as const) {
    const addresses = await platformAddresses(
      db,
      platform,
      invitees.map((i) => i.memberId),
    );
    for (const id of addresses.values()) out.push({ platform, target: { type: "user", id } });
  }
  return out;
}
