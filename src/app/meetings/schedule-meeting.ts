import { listActivePartyGroups } from "../../db/queries/branch-chats.ts";
import {
  confirmationSubject,
  expectedAttendeeIds,
  insertMeeting,
  MEETING_CONFIRMATION_KIND,
  type MeetingRow,
} from "../../db/queries/meetings.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import { activeBranchIds } from "../../db/queries/recipients.ts";
import { parseScheduleArgs } from "../../domain/meeting-command.ts";
import { mayManage, onlyManagers } from "../../domain/permissions.ts";
import type { PlannedMessage } from "../../domain/reminders.ts";
import type { OutboundMessage, PlatformName } from "../../platforms/types.ts";
import { messagesTo } from "../recipients.ts";
import { confirmationCard } from "../views/meeting-cards.ts";
import { loadWorkCalendar } from "../work-calendar.ts";
import type { MeetingDeps } from "./deps.ts";
import { loadMeetingView, promiseOf } from "./meeting-view.ts";

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
  const reply = (text: string): ScheduleOutcome => ({ kind: "reply", message: { kind: "text", text } });
  const everyBranch = ALL_BRANCHES.test(argsText);
  const text = argsText.replace(ALL_BRANCHES, "");
  if (everyBranch && !member.isAdmin) return reply("只有机关党委工作人员可以为全部支部统一安排会议。");

  // Party groups of the chat's branch, so "党小组会 第一党小组 …" can be read.
  const groups = chat.branchId ? await listActivePartyGroups(db, chat.branchId) : [];
  const parsed = parseScheduleArgs(
    text,
    now,
    deps.timeZone,
    groups.map((g) => g.name),
  );
  if (!parsed.ok) return reply(parsed.question);
  const organLevel = parsed.kind === "leading_group" || parsed.kind === "central_group";

  let targets: (string | null)[];
  if (organLevel) {
    // 党组会 and 中心组 belong to the organ: 机关党委 staff schedule them, attendees come from the roster.
    if (!member.isAdmin) return reply("党组会、理论学习中心组学习由机关党委工作人员安排。");
    if (everyBranch) return reply("党组会、理论学习中心组学习不按支部安排，请去掉“全部支部”。");
    targets = [null];
  } else if (everyBranch) {
    if (parsed.kind === "party_group") return reply("党小组会请在各支部群内分别安排。");
    const all = await activeBranchIds(db, member.orgId);
    if (all.length === 0) return reply("没有可安排会议的支部。");
    targets = all;
  } else {
    if (!chat.branchId) return reply("本群还没有绑定支部，无法安排会议。请先发送“绑定 <支部名>”。");
    if (!mayManage(member, chat.branchId)) return reply(onlyManagers("安排会议"));
    targets = [chat.branchId];
  }

  const startsAt = parsed.time.startsAt;
  const endsAt = parsed.time.endsAt ?? new Date(startsAt.getTime() + deps.defaultMinutes * 60_000);
  const group = parsed.partyGroup ? groups.find((g) => g.name === parsed.partyGroup) : undefined;
  const created = await db.transaction(async (tx) => {
    const out: { meeting: MeetingRow; expected: number }[] = [];
    for (const branchId of targets) {
      const invitees = await expectedAttendeeIds(tx, {
        orgId: member.orgId,
        branchId,
        kind: parsed.kind,
        partyGroupId: group?.id ?? null,
      });
      const meeting = await insertMeeting(
        tx,
        {
          orgId: member.orgId,
          branchId,
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

  // A meeting on a day off is allowed (主题党日 on a Saturday happens) but said plainly.
  const calendar = await loadWorkCalendar(db);
  const day = calendar.describe(parsed.time.date);
  const notes = day.working ? [] : [`注意：${parsed.time.date} 是${day.label}，不是工作日。`];

  // Each branch's chat gets its own confirmation card, so its committee can edit or cancel its meeting.
  // Through the outbox, in the command's transaction: a retried command never posts it twice.
  const messages: PlannedMessage[] = [];
  for (const { meeting, expected } of created) {
    const view = await loadMeetingView(db, meeting, deps.timeZone);
    const card = confirmationCard(view, expected, { notes, promise: promiseOf(deps, meeting, now) });
    const addresses =
      everyBranch && meeting.branchId
        ? await deps.recipients.branchChats(db, [meeting.branchId])
        : [
            {
              platform: chat.platform,
              target: { type: "chat" as const, id: chat.chatId },
              recipient: chat.chatId,
            },
          ];
    messages.push(
      ...messagesTo(addresses, {
        kind: MEETING_CONFIRMATION_KIND,
        subject: confirmationSubject(meeting.id),
        slot: eventKey,
        message: { kind: "card", card },
        dueAt: now,
      }),
    );
  }
  await enqueue(db, messages, now);
  const message: OutboundMessage | undefined = everyBranch
    ? { kind: "text", text: `已为 ${created.length} 个支部安排“${parsed.title}”，确认卡片正在发往各支部群。` }
    : undefined;
  return { kind: "scheduled", meetings: created.map((c) => c.meeting), message };
}
