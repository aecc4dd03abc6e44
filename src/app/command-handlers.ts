/**
 * One handler per command type. The mapped type makes the compiler insist on a handler for every
 * member of the Command union, so a command added to src/domain/commands.ts cannot be forgotten here.
 */
import { findBranchByChat } from "../db/queries/branch-chats.ts";
import { COMMANDS, type Command, type CommandType } from "../domain/commands.ts";
import type { InboundEvent, OutboundMessage } from "../platforms/types.ts";
import { bindChat, bindOutcomeText } from "./bind-chat.ts";
import type { HandlerContext } from "./handler-context.ts";
import { helpCard } from "./views/bot-replies.ts";

export type MessageEvent = Extract<InboundEvent, { type: "message" }>;

export interface CommandContext extends HandlerContext {
  event: MessageEvent;
  botName: string;
  /** Answers in the chat the message came from; retried deliveries of the event never answer twice. */
  reply(message: OutboundMessage): Promise<void>;
}

export type CommandHandlers = {
  [K in CommandType]: (ctx: CommandContext, command: Extract<Command, { type: K }>) => Promise<void>;
};

async function replyHelp(ctx: CommandContext, notUnderstood?: string) {
  const branch =
    ctx.event.chatType === "group"
      ? await findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId)
      : undefined;
  await ctx.reply({
    kind: "card",
    card: helpCard(COMMANDS, {
      botName: ctx.botName,
      ...(branch ? { branchName: branch.name } : {}),
      ...(notUnderstood ? { notUnderstood } : {}),
    }),
  });
}

/** The channel's own commands; features (meetings, 第一议题) add the rest in src/app/features.ts. */
export type CoreCommandHandlers = Pick<CommandHandlers, "help" | "unknown" | "incomplete" | "bind">;

export const coreCommandHandlers: CoreCommandHandlers = {
  help: (ctx) => replyHelp(ctx),
  unknown: (ctx, command) => replyHelp(ctx, command.text || undefined),
  incomplete: (ctx, command) => ctx.reply({ kind: "text", text: command.hint }),
  bind: async (ctx, command) => {
    const outcome = await bindChat(ctx.db, {
      member: ctx.member,
      platform: ctx.event.platform,
      chatId: ctx.event.chatId,
      chatType: ctx.event.chatType,
      branchText: command.branchName,
      now: ctx.now,
    });
    if (outcome.kind === "bound") {
      ctx.logger.info("群聊已绑定支部", {
        branch: outcome.branch.name,
        chatId: ctx.event.chatId,
        by: ctx.member.id,
      });
    }
    await ctx.reply({ kind: "text", text: bindOutcomeText(outcome, ctx.config.adminContact) });
  },
};
