/**
 * 三会一课: scheduling, reminders, the sign-in card with live counts, leave, closing with the
 * absentees to the secretary, corrections and the ledger.
 */

import { findBranchByChat } from "../../db/queries/branch-chats.ts";
import { MEETING_LEDGER_SYNTAX, SCHEDULE_SYNTAX } from "../../domain/commands.ts";
import { mayManage } from "../../domain/permissions.ts";
import { createRateLimiter } from "../../lib/rate-limiter.ts";
import type { PlatformName } from "../../platforms/types.ts";
import { branchOf, UNBOUND_CHAT_TEXT } from "../branch-of.ts";
import type { CardActionContext } from "../card-actions.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import { MEETING_ACTIONS } from "../views/meeting-cards.ts";
import { askLeave, signIn } from "./attendance-actions.ts";
import { createAbandonedCardPlanner, createCardPatchLock } from "./card-patch-lock.ts";
import { createCardRefresher, type RefreshChannel } from "./card-refresher.ts";
import { closeFromCard, correctAttendance, remindAbsentees } from "./close-meeting.ts";
import { createMeetingClosingPlanner } from "./closing-planner.ts";
import type { MeetingDeps } from "./deps.ts";
import { cancelFromCard, editFromCard } from "./manage-meeting.ts";
import { meetingLedgerCard } from "./meeting-ledger.ts";
import { createMeetingReminderPlanner } from "./reminder-planner.ts";
import { scheduleMeeting } from "./schedule-meeting.ts";
import { createSignInCardRenderer } from "./sign-in-card-renderer.ts";
import { createSignInCardPlanner } from "./sign-in-planner.ts";

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const meetingOf = (ctx: CardActionContext) => ctx.event.value.meeting ?? "";
const form = (ctx: CardActionContext, name: string) => first(ctx.event.formValue?.[name]);

export const meetingsFeature: FeatureModule = {
  name: "meetings",
  create({ db, config, logger, platforms, recipients, events }) {
    const channels: Partial<Record<PlatformName, RefreshChannel>> = {};
    for (const adapter of platforms.values()) {
      channels[adapter.name] = {
        client: adapter.client,
        minIntervalMs: Math.ceil(1000 / adapter.limits.cardUpdatesPerSecond),
        pace: createRateLimiter({ limit: adapter.limits.liveCardCallsPerSecond, windowMs: 1000 }),
      };
    }
    const refresher = createCardRefresher({
      channels,
      logger,
      // Other processes or isolates may be patching the same cards: one at a time, in order.
      lock: createCardPatchLock(db),
      render: createSignInCardRenderer({ db, timeZone: config.timezone }),
    });
    const deps: MeetingDeps = {
      db,
      timeZone: config.timezone,
      platforms,
      recipients,
      events,
      logger,
      refresher,
      defaultMinutes: config.meetings.defaultMinutes,
      reminders: {
        leadMinutes: config.scheduler.meetingLeadMinutes,
        dayBeforeAt: config.scheduler.meetingDayBeforeAt,
        signInLeadMinutes: config.meetings.signInLeadMinutes,
      },
    };

    // A command's effects belong to its event's transaction (ctx.db); a click's go straight to the database.
    const at = (ctx: { db: MeetingDeps["db"] }): MeetingDeps =>
      ctx.db === db ? deps : { ...deps, db: ctx.db };

    return {
      commands: [
        defineCommand({
          ...SCHEDULE_SYNTAX,
          async handle(ctx, { text }) {
            const branch =
              ctx.event.chatType === "group"
                ? await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId)
                : undefined;
            const outcome = await scheduleMeeting(
              at(ctx),
              ctx.member,
              { platform: ctx.event.platform, chatId: ctx.event.chatId, branchId: branch?.id },
              text,
              ctx.now,
              `${ctx.event.platform}:${ctx.event.eventId}`,
            );
            if (outcome.message) await ctx.reply(outcome.message);
          },
        }),
        defineCommand({
          ...MEETING_LEDGER_SYNTAX,
          async handle(ctx) {
            const branch = await branchOf(ctx);
            if (!branch) return ctx.reply({ kind: "text", text: UNBOUND_CHAT_TEXT });
            if (!mayManage(ctx.member, branch.id)) {
              return ctx.reply({
                kind: "text",
                text: "会议记录仅限本支部书记、副书记、委员和机关党委工作人员查看。",
              });
            }
            await ctx.reply({ kind: "card", card: await meetingLedgerCard(at(ctx), branch, ctx.now) });
          },
        }),
      ],
      actions: {
        [MEETING_ACTIONS.signIn]: (ctx) => signIn(deps, ctx.member, meetingOf(ctx), ctx.now),
        [MEETING_ACTIONS.leave]: (ctx) =>
          askLeave(deps, ctx.member, meetingOf(ctx), form(ctx, "reason"), ctx.now),
        [MEETING_ACTIONS.close]: (ctx) => closeFromCard(deps, ctx.member, meetingOf(ctx), ctx.now),
        [MEETING_ACTIONS.cancel]: (ctx) => cancelFromCard(deps, ctx.member, meetingOf(ctx), ctx.now),
        [MEETING_ACTIONS.edit]: (ctx) =>
          editFromCard(
            deps,
            ctx.member,
            meetingOf(ctx),
            { time: form(ctx, "time"), place: form(ctx, "place") },
            ctx.now,
          ),
        [MEETING_ACTIONS.remindAbsentees]: (ctx) =>
          remindAbsentees(deps, ctx.member, meetingOf(ctx), ctx.now),
        [MEETING_ACTIONS.correct]: (ctx) =>
          correctAttendance(
            deps,
            ctx.member,
            meetingOf(ctx),
            { member: form(ctx, "member"), status: form(ctx, "status"), reason: form(ctx, "reason") },
            ctx.now,
          ),
      },
      planners: [
        createMeetingReminderPlanner({
          recipients,
          leadMinutes: config.scheduler.meetingLeadMinutes,
          dayBeforeAt: config.scheduler.meetingDayBeforeAt,
        }),
        createSignInCardPlanner({ recipients, leadMinutes: config.meetings.signInLeadMinutes }),
        createMeetingClosingPlanner(deps),
        createAbandonedCardPlanner(db, refresher),
      ],
      idle: () => refresher.idle(),
    };
  },
};
