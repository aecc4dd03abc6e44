/**
 * 联系点: leaders' monthly liaison updates by card, the problems they raise tracked until answered
 * (件件有着落，事事有回音), reminders, and the organ's view of both.
 */
import { findBranchByChat } from "../../db/queries/branch-chats.ts";
import { liaisonBranchesOf } from "../../db/queries/liaison.ts";
import type { CommandSyntax } from "../../domain/commands.ts";
import { chooseLiaisonBranch } from "../../domain/liaison-assignment.ts";
import {
  LIAISON_COMMAND_SPECS,
  type LiaisonCommand,
  parseLiaisonArgs,
  parseProblemArgs,
  resolveFormMonth,
} from "../../domain/liaison-command.ts";
import { localDate } from "../../domain/time.ts";
import type { CardActionHandler } from "../card-actions.ts";
import type { CommandContext } from "../command-context.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import { sendPrivately } from "../private-messages.ts";
import { LIAISON_ACTIONS, liaisonChooseCard } from "../views/liaison-cards.ts";
import { loadWorkCalendar } from "../work-calendar.ts";
import { assignLiaison, unassignLiaison } from "./assign.ts";
import type { LiaisonDeps } from "./deps.ts";
import { checkPair, formOrFiledCard, reopenForm, submitReport } from "./file-report.ts";
import { liaisonOverview } from "./overview.ts";
import {
  createLiaisonMonthlyPlanner,
  createLiaisonOverduePlanner,
  createLiaisonResearchPlanner,
} from "./planners.ts";
import { changeProblemStatus, problemList } from "./problems.ts";

export const LIAISON_FORM_KIND = "liaison.form";

const [LIAISON_SPEC, PROBLEM_SPEC] = LIAISON_COMMAND_SPECS;

const syntax = (
  spec: (typeof LIAISON_COMMAND_SPECS)[number],
  parse: (text: string) => LiaisonCommand,
): CommandSyntax<LiaisonCommand> => ({
  words: spec.names,
  usage: spec.usage,
  summary: spec.summary,
  parse: (rest) => {
    const c = parse(rest);
    return c.type === "incomplete" ? { ok: false, hint: c.hint } : { ok: true, args: c };
  },
});

export const liaisonFeature: FeatureModule = {
  name: "liaison",
  create({ db, config, recipients, logger }) {
    const deps: LiaisonDeps = {
      db,
      timeZone: config.timezone,
      recipients,
      settings: config.liaison,
      loadCalendar: loadWorkCalendar,
    };
    const at = (ctx: { db: LiaisonDeps["db"] }): LiaisonDeps =>
      ctx.db === db ? deps : { ...deps, db: ctx.db };
    const text = (ctx: CommandContext, t: string) => ctx.reply({ kind: "text", text: t });

    /** `联系点` [month]: the form, privately; in the branch's chat the bot says it sent it. */
    async function openForm(ctx: CommandContext, c: Extract<LiaisonCommand, { type: "liaison_form" }>) {
      const today = localDate(ctx.now, deps.timeZone);
      const month = resolveFormMonth(c.month, today);
      if (!month.ok) return text(ctx, month.message);
      const inGroup = ctx.event.chatType === "group";
      const chatBranch = inGroup
        ? await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId)
        : undefined;
      if (inGroup && !chatBranch) return text(ctx, "本群还没有绑定支部。请在与我的私聊中发送“联系点”填报。");
      const mine = await liaisonBranchesOf(ctx.db, ctx.member.id, today);
      const choice = chooseLiaisonBranch({
        isLeader: ctx.member.isLeader,
        liaisonBranches: mine,
        chatBranch: chatBranch ? { id: chatBranch.id, name: chatBranch.name } : undefined,
      });
      if (choice.kind === "refuse") return text(ctx, choice.message);
      if (choice.kind === "choose")
        return ctx.reply({
          kind: "card",
          card: liaisonChooseCard(
            mine.filter((b) => choice.branchIds.includes(b.id)),
            month.month,
          ),
        });
      const pair = await checkPair(ctx.db, ctx.member, choice.branchId, month.month);
      if (!pair.ok) return text(ctx, pair.message);
      const card = await formOrFiledCard(at(ctx), ctx.db, ctx.member, pair.branch, month.month, ctx.now);
      if (!inGroup) return ctx.reply({ kind: "card", card });
      // The form holds what the leader learned about the branch: it goes to him, not into the branch's chat.
      const queued = await sendPrivately(
        { db: ctx.db, recipients },
        {
          kind: LIAISON_FORM_KIND,
          subject: `liaison-form:${ctx.member.id}:${pair.branch.id}:${month.month}`,
          slot: ctx.event.messageId,
          memberIds: [ctx.member.id],
          build: () => ({ kind: "card", card }),
          now: ctx.now,
        },
      );
      return text(
        ctx,
        queued > 0
          ? `已私信您${pair.branch.name}的联系点填报卡片，请在与我的私聊中填写。`
          : "未能私信您（名册中没有您在本平台的账号），请联系机关党委登记后在私聊中发送“联系点”。",
      );
    }

    const openChosen: CardActionHandler = async (ctx) => {
      const branchId = ctx.event.value.branch ?? "";
      const month = ctx.event.value.month ?? "";
      const pair = await checkPair(deps.db, ctx.member, branchId, month);
      if (!pair.ok) return { toast: { type: "warning", text: pair.message } };
      return { card: await formOrFiledCard(deps, deps.db, ctx.member, pair.branch, month, ctx.now) };
    };

    return {
      commands: [
        defineCommand<LiaisonCommand>({
          ...syntax(LIAISON_SPEC, parseLiaisonArgs),
          async handle(ctx, c) {
            if (c.type === "liaison_form") return openForm(ctx, c);
            if (c.type === "liaison_assign")
              return text(ctx, await assignLiaison(ctx.db, ctx.member, c, ctx.now, deps.timeZone));
            if (c.type === "liaison_unassign")
              return text(ctx, await unassignLiaison(ctx.db, ctx.member, c, ctx.now, deps.timeZone));
            if (c.type === "liaison_overview") {
              const out = await liaisonOverview(at(ctx), ctx.db, ctx.member, c.year, ctx.now);
              return "card" in out ? ctx.reply({ kind: "card", card: out.card }) : text(ctx, out.text);
            }
          },
        }),
        defineCommand<LiaisonCommand>({
          ...syntax(PROBLEM_SPEC, parseProblemArgs),
          async handle(ctx, c) {
            if (c.type !== "problem_list") return;
            const all = c.scope === "all";
            if (ctx.event.chatType === "group") {
              const branch = await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId);
              if (!branch)
                return text(ctx, "本群还没有绑定支部。请先发送“绑定 <支部名>”，或在私聊中查看您的问题。");
              return ctx.reply({
                kind: "card",
                card: await problemList(at(ctx), ctx.db, { branch }, all, ctx.now),
              });
            }
            return ctx.reply({
              kind: "card",
              card: await problemList(at(ctx), ctx.db, { member: ctx.member }, all, ctx.now),
            });
          },
        }),
      ],
      actions: {
        [LIAISON_ACTIONS.submit]: (ctx) =>
          submitReport(
            deps,
            ctx.member,
            ctx.event.value.branch ?? "",
            ctx.event.value.month ?? "",
            ctx.event.formValue,
            ctx.now,
          ),
        [LIAISON_ACTIONS.edit]: (ctx) =>
          reopenForm(deps, ctx.member, ctx.event.value.branch ?? "", ctx.event.value.month ?? "", ctx.now),
        [LIAISON_ACTIONS.open]: openChosen,
        [LIAISON_ACTIONS.problem]: (ctx) =>
          changeProblemStatus(deps, ctx.member, ctx.event.value.problem ?? "", ctx.event.formValue, ctx.now),
      },
      planners: [
        createLiaisonMonthlyPlanner(deps, logger),
        createLiaisonResearchPlanner(deps),
        createLiaisonOverduePlanner(deps),
      ],
    };
  },
};
