import { and, eq } from "drizzle-orm";
import { findChatOfBranch } from "../../db/queries/branch-chats.ts";
import {
  expectedAttendeeIds,
  insertMeeting,
  type MeetingRow,
  saveMeetingCard,
} from "../../db/queries/meetings.ts";
import { branches, partyGroups } from "../../db/schema.ts";
import { parseScheduleArgs } from "../../domain/meeting-command.ts";
import type { OutboundMessage, PlatformName } from "../../platforms/types.ts";
import { confirmationCard } from "../views/meeting-cards.ts";
import { type MeetingDeps, mayManage } from "./deps.ts";
import { loadMeetingView } from "./meeting-view.ts";

export interface Scheduler {
  id: string;
  orgId: string;
  branchId: string;
  role: string;
  isAdmin: boolean;
}

export interface ScheduleChat {
  platform: PlatformName;
  chatId: string;
  /** The branch the chat is bound to, if any. */
  branchId: string | undefined;
}

export type ScheduleOutcome =
  | { kind: "reply"; message: OutboundMessage }
  /** The confirmation cards are already posted; `message` is a summary when several branches were scheduled. */
  | { kind: "scheduled"; meetings: MeetingRow[]; message: OutboundMessage | undefined };

const ALL_BRANCHES = /^(全部支部|各支部|所有支部|全体支部)\s*/;

/**
 * 安排 …: a branch's committee schedules in its own group chat; admins may also schedule for every
 * branch at once (安排 全部支部 主题党日 …), each branch getting its meeting and its own confirmation.
 */
export async function scheduleMeeting(
  deps: MeetingDeps,
  member: Scheduler,
  chat: ScheduleChat,
  argsText: string,
  now: Date,
  eventKey: string,
): Promise<ScheduleOutcome> {
  const { db } = deps;
  const everyBranch = ALL_BRANCHES.test(argsText);
  const text = argsText.replace(ALL_BRANCHES, "");
  if (everyBranch && !member.isAdmin) {
    return {
      kind: "reply",
      message: { kind: "text", text: "只有机关党委工作人员可以为全部支部统一安排会议。" },
    };
  }
  if (!everyBranch && !chat.branchId) {
    return {
      kind: "reply",
      message: { kind: "text", text: "本群还没有绑定支部，无法安排会议。请先发送“绑定 <支部名>”。" },
    };
  }
  if (!everyBranch && chat.branchId && !mayManage(member, chat.branchId)) {
    return {
      kind: "reply",
      message: { kind: "text", text: "只有本支部书记、副书记、委员或机关党委工作人员可以安排会议。" },
    };
  }

  const targetBranches = everyBranch
    ? await db
        .select()
        .from(branches)
        .where(and(eq(branches.orgId, member.orgId), eq(branches.active, true), eq(branches.kind, "branch")))
    : await db
        .select()
        .from(branches)
        .where(eq(branches.id, chat.branchId ?? ""));
  const firstBranch = targetBranches[0];
  if (!firstBranch) return { kind: "reply", message: { kind: "text", text: "没有可安排会议的支部。" } };

  const groups = await db
    .select()
    .from(partyGroups)
    .where(and(eq(partyGroups.branchId, firstBranch.id), eq(partyGroups.active, true)));
  const parsed = parseScheduleArgs(
    text,
    now,
    deps.timeZone,
    groups.map((g) => g.name),
  );
  if (!parsed.ok) return { kind: "reply", message: { kind: "text", text: parsed.question } };
  if (everyBranch && parsed.kind === "party_group") {
    return { kind: "reply", message: { kind: "text", text: "党小组会请在各支部群内分别安排。" } };
  }
  if (parsed.kind === "leading_group" || parsed.kind === "central_group") {
    return {
      kind: "reply",
      message: { kind: "text", text: "党组会、理论学习中心组学习由机关党委统一安排，不在支部群内安排。" },
    };
  }

  const startsAt = parsed.time.startsAt;
  const endsAt = parsed.time.endsAt ?? new Date(startsAt.getTime() + deps.defaultMinutes * 60_000);
  const created = await db.transaction(async (tx) => {
    const out: { meeting: MeetingRow; expected: number }[] = [];
    for (const branch of targetBranches) {
      const group = parsed.partyGroup ? groups.find((g) => g.name === parsed.partyGroup) : undefined;
      const invitees = await expectedAttendeeIds(tx, {
        orgId: member.orgId,
        branchId: branch.id,
        kind: parsed.kind,
        partyGroupId: group?.id ?? null,
      });
      const meeting = await insertMeeting(
        tx,
        {
          orgId: member.orgId,
          branchId: branch.id,
          partyGroupId: group?.id ?? null,
          kind: parsed.kind,
          title: parsed.title,
          startsAt,
          endsAt,
          place: parsed.place ?? null,
          createdBy: member.id,
        },
        invitees,
        now,
      );
      out.push({ meeting, expected: invitees.length });
    }
    return out;
  });

  // Each branch's chat gets its own confirmation card, so its committee can edit or cancel its meeting.
  for (const { meeting, expected } of created) {
    const view = await loadMeetingView(db, meeting, deps.timeZone);
    const card = confirmationCard(view, expected);
    const branchChat = meeting.branchId
      ? await findChatOfBranch(db, chat.platform, meeting.branchId)
      : undefined;
    const chatId = everyBranch ? branchChat : chat.chatId;
    const client = deps.clients[chat.platform];
    if (!chatId || !client) continue;
    const sent = await client.send(
      { type: "chat", id: chatId },
      { kind: "card", card },
      { idempotencyKey: `meeting-confirm:${eventKey}:${meeting.id}` },
    );
    await saveMeetingCard(db, {
      meetingId: meeting.id,
      platform: chat.platform,
      purpose: "confirmation",
      chatId,
      messageId: sent.messageId,
    });
  }
  const message: OutboundMessage | undefined = everyBranch
    ? { kind: "text", text: `已为 ${created.length} 个支部安排“${parsed.title}”，各支部群已收到确认卡片。` }
    : undefined;
  return { kind: "scheduled", meetings: created.map((c) => c.meeting), message };
}
