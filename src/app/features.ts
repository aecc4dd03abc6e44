/**
 * The bot's features put together: the chat commands, the card actions and the scheduler's planners
 * of meetings (三会一课) and 第一议题. Built once per process (per request on Workers).
 */

import { eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import { findBranchByChat } from "../db/queries/branch-chats.ts";
import { branches } from "../db/schema.ts";
import type { Database } from "../db/types.ts";
import { parseStudyAdd, readStudyCsvRow } from "../domain/study.ts";
import { localDate } from "../domain/time.ts";
import type { Logger } from "../lib/logger.ts";
import { createRateLimiter } from "../lib/rate-limiter.ts";
import type { PlatformClient, PlatformName } from "../platforms/types.ts";
import { type CardActionRegistry, createCardActionRegistry } from "./card-actions.ts";
import { type CommandContext, type CommandHandlers, coreCommandHandlers } from "./command-handlers.ts";
import { askLeave, signIn } from "./meetings/attendance-actions.ts";
import { createCardRefresher } from "./meetings/card-refresher.ts";
import { closeFromCard, correctAttendance, remindAbsentees } from "./meetings/close-meeting.ts";
import { createMeetingClosingPlanner } from "./meetings/closing-planner.ts";
import { type MeetingDeps, mayManage } from "./meetings/deps.ts";
import { cancelFromCard, editFromCard } from "./meetings/manage-meeting.ts";
import { meetingLedgerCard } from "./meetings/meeting-ledger.ts";
import { scheduleMeeting } from "./meetings/schedule-meeting.ts";
import { createSignInCardRenderer } from "./meetings/sign-in-card-renderer.ts";
import { createSignInCardPlanner } from "./meetings/sign-in-planner.ts";
import type { ReminderPlanner } from "./scheduler.ts";
import { addStudyItem } from "./study/add-study-item.ts";
import { createStudyNudgePlanner } from "./study/record-nudge-planner.ts";
import { requestStudyRecord, submitStudyRecord } from "./study/record-study.ts";
import { branchStudyStatus, studyOverview } from "./study/study-status.ts";
import { MEETING_ACTIONS } from "./views/meeting-cards.ts";
import { STUDY_ACTIONS, studyAddedCard, studyAddFormCard } from "./views/study-cards.ts";
import { loadWorkCalendar } from "./work-calendar.ts";

export interface Features {
  commandHandlers: CommandHandlers;
  cardActions: CardActionRegistry;
  planners: ReminderPlanner[];
  meetings: MeetingDeps;
}

export interface FeatureDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clients: Partial<Record<PlatformName, PlatformClient>>;
  /** Extra handlers already registered (tests, other features) are kept. */
  cardActions?: CardActionRegistry;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** The branch a command is about: the chat's branch in a group, the member's own in a private chat. */
async function branchOf(ctx: CommandContext) {
  if (ctx.event.chatType === "group") return findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId);
  const [own] = await ctx.db.select().from(branches).where(eq(branches.id, ctx.member.branchId));
  return own;
}

/** Of Feishu's 50 API calls a second per app, what live sign-in counts may use; the rest is for messages. */
const LIVE_CARD_PATCHES_PER_SECOND = 20;

export function createFeatures(deps: FeatureDeps): Features {
  const { db, config, logger, clients } = deps;
  const timeZone = config.timezone;
  const study = { timeZone, overdueDays: config.study.overdueDays };
  const refresher = createCardRefresher({
    clients,
    logger,
    render: createSignInCardRenderer({ db, timeZone }),
    pace: createRateLimiter({ limit: LIVE_CARD_PATCHES_PER_SECOND, windowMs: 1000 }),
  });
  const meetings: MeetingDeps = {
    db,
    timeZone,
    clients,
    logger,
    refresher,
    defaultMinutes: config.meetings.defaultMinutes,
    afterClose: [(meeting, now) => requestStudyRecord({ db, clients, timeZone }, meeting, now)],
  };

  const cardActions = deps.cardActions ?? createCardActionRegistry();
  const meetingOf = (ctx: { event: { value: Record<string, string> } }) => ctx.event.value.meeting ?? "";
  cardActions.register(MEETING_ACTIONS.signIn, (ctx) =>
    signIn(meetings, ctx.member, meetingOf(ctx), ctx.now),
  );
  cardActions.register(MEETING_ACTIONS.leave, (ctx) =>
    askLeave(meetings, ctx.member, meetingOf(ctx), first(ctx.event.formValue?.reason), ctx.now),
  );
  cardActions.register(MEETING_ACTIONS.close, (ctx) =>
    closeFromCard(meetings, ctx.member, meetingOf(ctx), ctx.now),
  );
  cardActions.register(MEETING_ACTIONS.cancel, (ctx) =>
    cancelFromCard(meetings, ctx.member, meetingOf(ctx), ctx.now),
  );
  cardActions.register(MEETING_ACTIONS.edit, (ctx) =>
    editFromCard(
      meetings,
      ctx.member,
      meetingOf(ctx),
      { time: first(ctx.event.formValue?.time), place: first(ctx.event.formValue?.place) },
      ctx.now,
    ),
  );
  cardActions.register(MEETING_ACTIONS.remindAbsentees, (ctx) =>
    remindAbsentees(meetings, ctx.member, meetingOf(ctx), ctx.now),
  );
  cardActions.register(MEETING_ACTIONS.correct, (ctx) =>
    correctAttendance(
      meetings,
      ctx.member,
      meetingOf(ctx),
      {
        member: first(ctx.event.formValue?.member),
        status: first(ctx.event.formValue?.status),
        reason: first(ctx.event.formValue?.reason),
      },
      ctx.now,
    ),
  );
  cardActions.register(STUDY_ACTIONS.record, (ctx) =>
    submitStudyRecord(meetings, ctx.member, meetingOf(ctx), ctx.event.formValue, ctx.now),
  );

  cardActions.register(STUDY_ACTIONS.add, async (ctx) => {
    if (!ctx.member.isAdmin)
      return { toast: { type: "warning", text: "只有机关党委工作人员可以添加第一议题学习材料。" } };
    const fields = ["title", "source", "published_on", "link", "summary", "scope"] as const;
    const read = readStudyCsvRow(
      fields.map((f) => first(ctx.event.formValue?.[f])),
      new Map(fields.map((f, i) => [f, i])),
      localDate(ctx.now, timeZone),
    );
    if (!read.ok) return { toast: { type: "warning", text: read.problems.join("；") } };
    const outcome = await addStudyItem(
      db,
      { ...read.item, orgId: ctx.member.orgId, addedBy: ctx.member.id },
      ctx.now,
    );
    if (outcome.kind === "duplicate") return { toast: { type: "warning", text: outcome.message } };
    return {
      toast: { type: "success", text: `已添加，正在通知 ${outcome.notices} 个支部。` },
      card: studyAddedCard(outcome.item, ctx.member.name),
    };
  });

  const commandHandlers: CommandHandlers = {
    ...coreCommandHandlers,
    async schedule(ctx, command) {
      const branch =
        ctx.event.chatType === "group"
          ? await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId)
          : undefined;
      const outcome = await scheduleMeeting(
        meetings,
        ctx.member,
        { platform: ctx.event.platform, chatId: ctx.event.chatId, branchId: branch?.id },
        command.args,
        ctx.now,
        `${ctx.event.platform}:${ctx.event.eventId}`,
      );
      if (outcome.message) await ctx.reply(outcome.message);
    },
    async meeting_ledger(ctx) {
      const branch = await branchOf(ctx);
      if (!branch) return ctx.reply({ kind: "text", text: "本群还没有绑定支部。请先发送“绑定 <支部名>”。" });
      if (!mayManage(ctx.member, branch.id)) {
        return ctx.reply({
          kind: "text",
          text: "会议记录仅限本支部书记、副书记、委员和机关党委工作人员查看。",
        });
      }
      await ctx.reply({ kind: "card", card: await meetingLedgerCard(meetings, branch, ctx.now) });
    },
    async study_status(ctx) {
      const branch = await branchOf(ctx);
      if (!branch) return ctx.reply({ kind: "text", text: "本群还没有绑定支部。请先发送“绑定 <支部名>”。" });
      if (!ctx.member.isAdmin && ctx.member.branchId !== branch.id && ctx.event.chatType !== "group") {
        return ctx.reply({ kind: "text", text: "只能查看本人所在支部的情况。" });
      }
      await ctx.reply({ kind: "card", card: await branchStudyStatus(db, branch, ctx.now, study) });
    },
    async study_add(ctx, command) {
      if (!ctx.member.isAdmin) {
        return ctx.reply({ kind: "text", text: "只有机关党委工作人员可以添加第一议题学习材料。" });
      }
      if (!command.args.trim()) return ctx.reply({ kind: "card", card: studyAddFormCard() });
      const parsed = parseStudyAdd(command.args, localDate(ctx.now, timeZone));
      if (!parsed.ok) return ctx.reply({ kind: "text", text: parsed.message });
      const outcome = await addStudyItem(
        db,
        { ...parsed.item, orgId: ctx.member.orgId, addedBy: ctx.member.id },
        ctx.now,
      );
      if (outcome.kind === "duplicate") return ctx.reply({ kind: "text", text: outcome.message });
      await ctx.reply({
        kind: "text",
        text: `已添加《${outcome.item.title}》（${outcome.item.source}，${outcome.item.publishedOn}），正在通知 ${outcome.notices} 个${outcome.item.scope === "all" ? "支部群" : "党组成员"}。`,
      });
    },
    async study_overview(ctx) {
      if (!ctx.member.isAdmin)
        return ctx.reply({ kind: "text", text: "各支部第一议题情况仅限机关党委工作人员查看。" });
      const { card } = await studyOverview(db, ctx.member.orgId, ctx.now, study);
      await ctx.reply({ kind: "card", card });
    },
  };

  const platforms = (Object.keys(clients) as PlatformName[]).filter((p) => clients[p]);
  const planners: ReminderPlanner[] = [
    createSignInCardPlanner({ leadMinutes: config.meetings.signInLeadMinutes }),
    createMeetingClosingPlanner(meetings),
    createStudyNudgePlanner({
      overdueDays: config.study.overdueDays,
      localTime: config.scheduler.workdayTime,
      platforms,
      loadCalendar: loadWorkCalendar,
    }),
  ];
  return { commandHandlers, cardActions, planners, meetings };
}
