/** The bot's own commands: 帮助 (made from every feature's commands) and 绑定, by command or join card. */
import { findBranchByChat } from "../../db/queries/branch-chats.ts";
import { BIND_SYNTAX, HELP_SYNTAX } from "../../domain/commands.ts";
import { TEXT_LIMITS, tooLong } from "../../domain/limits.ts";
import type { CardActionHandler } from "../card-actions.ts";
import type { CommandContext } from "../command-context.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import {
  CHAT_BIND_ACTION,
  CHAT_REBIND_ACTION,
  chatBoundCard,
  helpCard,
  rebindQuestionCard,
} from "../views/bot-replies.ts";
import { type BindOutcome, bindChat, bindOutcomeText } from "./bind-chat.ts";

/** 帮助, and the answer to anything the bot did not understand. */
export async function replyHelp(ctx: CommandContext, notUnderstood?: string): Promise<void> {
  const branch =
    ctx.event.chatType === "group"
      ? await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId)
      : undefined;
  await ctx.reply({
    kind: "card",
    card: helpCard(ctx.commands, {
      botName: ctx.botName,
      ...(branch ? { branchName: branch.name } : {}),
      ...(notUnderstood ? { notUnderstood } : {}),
    }),
  });
}

/** The join card's form: same rules as the "绑定" command. */
const bindFromCard: CardActionHandler = async (ctx) => {
  const branchText = ctx.event.formValue?.branch;
  const text = (Array.isArray(branchText) ? branchText[0] : branchText)?.trim() ?? "";
  if (!text || !ctx.event.chatId) {
    return { toast: { type: "warning", text: "请填写支部名称" } };
  }
  const tooLongName = tooLong(TEXT_LIMITS.branchName, text);
  if (tooLongName) return { toast: { type: "warning", text: tooLongName } };
  const outcome = await bindChat(ctx.db, {
    member: ctx.member,
    platform: ctx.event.platform,
    chatId: ctx.event.chatId,
    chatType: "group",
    branchText: text,
    now: ctx.now,
  });
  if (outcome.kind === "needs_confirm")
    return {
      toast: { type: "warning", text: bindOutcomeText(outcome, ctx.config.adminContact) },
      card: rebindQuestionCard(outcome.branch),
    };
  return bindAnswer(ctx, outcome);
};

function bindAnswer(ctx: Parameters<CardActionHandler>[0], outcome: BindOutcome) {
  const message = bindOutcomeText(outcome, ctx.config.adminContact);
  return outcome.kind === "bound" || outcome.kind === "already"
    ? {
        toast: { type: "success" as const, text: message },
        card: chatBoundCard(outcome.branch.name, ctx.member.name),
      }
    : { toast: { type: "warning" as const, text: message } };
}

/** “确认改绑到本群”: the branch named on the question card, confirmed. */
const rebindFromCard: CardActionHandler = async (ctx) => {
  const branchId = ctx.event.value.branch ?? "";
  if (!branchId || !ctx.event.chatId)
    return { toast: { type: "warning", text: "卡片已失效，请重新发送“绑定 <支部名>”。" } };
  const outcome = await bindChat(ctx.db, {
    member: ctx.member,
    platform: ctx.event.platform,
    chatId: ctx.event.chatId,
    chatType: "group",
    branchText: branchId,
    byId: true,
    confirmed: true,
    now: ctx.now,
  });
  return bindAnswer(ctx, outcome);
};

export const coreFeature: FeatureModule = {
  name: "core",
  create: () => ({
    commands: [
      defineCommand({ ...HELP_SYNTAX, handle: (ctx) => replyHelp(ctx) }),
      defineCommand({
        ...BIND_SYNTAX,
        async handle(ctx, { branchName }) {
          const outcome = await bindChat(ctx.db, {
            member: ctx.member,
            platform: ctx.event.platform,
            chatId: ctx.event.chatId,
            chatType: ctx.event.chatType,
            branchText: branchName,
            now: ctx.now,
          });
          if (outcome.kind === "bound") {
            ctx.logger.info("群聊已绑定支部", {
              branch: outcome.branch.name,
              chatId: ctx.event.chatId,
              by: ctx.member.id,
            });
          }
          if (outcome.kind === "needs_confirm")
            return ctx.reply({ kind: "card", card: rebindQuestionCard(outcome.branch) });
          await ctx.reply({ kind: "text", text: bindOutcomeText(outcome, ctx.config.adminContact) });
        },
      }),
    ],
    actions: { [CHAT_BIND_ACTION]: bindFromCard, [CHAT_REBIND_ACTION]: rebindFromCard },
  }),
};
