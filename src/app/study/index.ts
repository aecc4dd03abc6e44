/**
 * 第一议题: the item bank, notices to every branch, the pending items on meeting cards, the record card
 * when a meeting closes, nudges to record, and each branch's and the organ's timeliness.
 */
import { STUDY_SYNTAX } from "../../domain/commands.ts";
import { parseStudyAdd, readStudyCsvRow } from "../../domain/study.ts";
import { localDate } from "../../domain/time.ts";
import { branchOf, UNBOUND_CHAT_TEXT } from "../branch-of.ts";
import type { CardActionHandler } from "../card-actions.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import { STUDY_ACTIONS, studyAddedCard, studyAddFormCard } from "../views/study-cards.ts";
import { loadWorkCalendar } from "../work-calendar.ts";
import { addStudyItem } from "./add-study-item.ts";
import type { StudyDeps } from "./deps.ts";
import { createStudyNudgePlanner } from "./record-nudge-planner.ts";
import { requestStudyRecord, submitStudyRecord } from "./record-study.ts";
import { branchStudyStatus, studyOverview } from "./study-status.ts";

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const ADMINS_ONLY = "只有机关党委工作人员可以添加第一议题学习材料。";

export const studyFeature: FeatureModule = {
  name: "study",
  create({ db, config, recipients }) {
    const deps: StudyDeps = {
      db,
      timeZone: config.timezone,
      recipients,
      overdueDays: config.study.overdueDays,
    };
    const settings = { timeZone: deps.timeZone, overdueDays: deps.overdueDays };
    // A command's effects belong to its event's transaction (ctx.db).
    const at = (ctx: { db: StudyDeps["db"] }): StudyDeps => (ctx.db === db ? deps : { ...deps, db: ctx.db });

    const addFromForm: CardActionHandler = async (ctx) => {
      if (!ctx.member.isAdmin) return { toast: { type: "warning", text: ADMINS_ONLY } };
      const fields = ["title", "source", "published_on", "link", "summary", "scope"] as const;
      const read = readStudyCsvRow(
        fields.map((f) => first(ctx.event.formValue?.[f])),
        new Map(fields.map((f, i) => [f, i])),
        localDate(ctx.now, deps.timeZone),
      );
      if (!read.ok) return { toast: { type: "warning", text: read.problems.join("；") } };
      const outcome = await addStudyItem(
        deps,
        { ...read.item, orgId: ctx.member.orgId, addedBy: ctx.member.id },
        ctx.now,
      );
      if (outcome.kind === "duplicate") return { toast: { type: "warning", text: outcome.message } };
      return {
        toast: { type: "success", text: `已添加，正在通知 ${outcome.notices} 个支部。` },
        card: studyAddedCard(outcome.item, ctx.member.name),
      };
    };

    return {
      commands: [
        defineCommand({
          ...STUDY_SYNTAX,
          async handle(ctx, args) {
            if (args.kind === "overview") {
              if (!ctx.member.isAdmin)
                return ctx.reply({ kind: "text", text: "各支部第一议题情况仅限机关党委工作人员查看。" });
              const { card } = await studyOverview(ctx.db, ctx.member.orgId, ctx.now, settings);
              return ctx.reply({ kind: "card", card });
            }
            if (args.kind === "add") {
              if (!ctx.member.isAdmin) return ctx.reply({ kind: "text", text: ADMINS_ONLY });
              if (!args.text.trim()) return ctx.reply({ kind: "card", card: studyAddFormCard() });
              const parsed = parseStudyAdd(args.text, localDate(ctx.now, deps.timeZone));
              if (!parsed.ok) return ctx.reply({ kind: "text", text: parsed.message });
              const outcome = await addStudyItem(
                at(ctx),
                { ...parsed.item, orgId: ctx.member.orgId, addedBy: ctx.member.id },
                ctx.now,
              );
              if (outcome.kind === "duplicate") return ctx.reply({ kind: "text", text: outcome.message });
              return ctx.reply({
                kind: "text",
                text: `已添加《${outcome.item.title}》（${outcome.item.source}，${outcome.item.publishedOn}），正在通知 ${outcome.notices} 个${outcome.item.scope === "all" ? "支部群" : "党组成员"}。`,
              });
            }
            const branch = await branchOf(ctx);
            if (!branch) return ctx.reply({ kind: "text", text: UNBOUND_CHAT_TEXT });
            if (!ctx.member.isAdmin && ctx.member.branchId !== branch.id && ctx.event.chatType !== "group") {
              return ctx.reply({ kind: "text", text: "只能查看本人所在支部的情况。" });
            }
            await ctx.reply({
              kind: "card",
              card: await branchStudyStatus(ctx.db, branch, ctx.now, settings),
            });
          },
        }),
      ],
      actions: {
        [STUDY_ACTIONS.record]: (ctx) =>
          submitStudyRecord(deps, ctx.member, ctx.event.value.meeting ?? "", ctx.event.formValue, ctx.now),
        [STUDY_ACTIONS.add]: addFromForm,
      },
      planners: [
        createStudyNudgePlanner({
          recipients,
          overdueDays: deps.overdueDays,
          localTime: config.scheduler.workdayTime,
          loadCalendar: loadWorkCalendar,
        }),
      ],
      on: {
        "meeting.closed": async ({ meeting, now }) => {
          await requestStudyRecord(deps, meeting, now);
        },
      },
    };
  },
};
