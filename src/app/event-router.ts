/**
 * What the bot does with a verified inbound event, whatever the platform. The HTTP routes answer the
 * platform first and hand messages and joins over to run afterwards; card clicks are answered here
 * within a time budget.
 */
import type { Config } from "../config.ts";
import { coalescedQueries } from "../db/coalesced-queries.ts";
import { findBranchByChat } from "../db/queries/branch-chats.ts";
import type { IdentityKind, MemberRow } from "../db/queries/members.ts";
import type { Database } from "../db/types.ts";
import { COMMANDS, type Command, type CommandSpec, parseCommand } from "../domain/commands.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type {
  CardActionResponse,
  InboundEvent,
  OutboundMessage,
  PlatformClient,
  PlatformName,
  Sender,
} from "../platforms/types.ts";
import { bindChat, bindOutcomeText } from "./bind-chat.ts";
import {
  ACTION_FIELD,
  type CardActionEvent,
  type CardActionHandler,
  type CardActionRegistry,
  createCardActionRegistry,
} from "./card-actions.ts";
import type { CommandHandlers, MessageEvent } from "./command-handlers.ts";
import {
  bindHowToCard,
  CHAT_BIND_ACTION,
  chatBoundCard,
  joinedBoundChatText,
  notInRosterText,
} from "./views/bot-replies.ts";

export type BotAddedEvent = Extract<InboundEvent, { type: "bot_added" }>;

export interface EventRouterDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clients: Partial<Record<PlatformName, PlatformClient>>;
  /** Where late card updates run once the click has been answered. */
  background: BackgroundRunner;
  cardActions?: CardActionRegistry;
  commands?: readonly CommandSpec[];
  /** Every command type has its handler: see createFeatures in src/app/features.ts. */
  commandHandlers: CommandHandlers;
  now?: () => Date;
  /** Feishu waits 3 s for a click's answer; what is not done by then is patched in afterwards. */
  cardActionBudgetMs?: number;
  botName?: string;
}

export interface EventRouter {
  /** Messages and joins; run after the platform has been answered. */
  handleEvent(event: MessageEvent | BotAddedEvent): Promise<void>;
  /** Card clicks and form submissions; the answer goes back in the click's HTTP response. */
  handleCardAction(event: CardActionEvent): Promise<CardActionResponse>;
}

const IDENTITY_KINDS: Record<PlatformName, IdentityKind> = { feishu: "open_id", dingtalk: "staff_id" };

function identitiesOf(platform: PlatformName, sender: Sender): { kind: IdentityKind; value: string }[] {
  return [{ kind: IDENTITY_KINDS[platform], value: sender.id }, ...(sender.altIds ?? [])];
}

/** The join card's form: same rules as the "绑定" command. */
const bindFromCard: CardActionHandler = async (ctx) => {
  const branchText = ctx.event.formValue?.branch;
  const text = (Array.isArray(branchText) ? branchText[0] : branchText)?.trim() ?? "";
  if (!text || !ctx.event.chatId) {
    return { toast: { type: "warning", text: "请填写支部名称" } };
  }
  const outcome = await bindChat(ctx.db, {
    member: ctx.member,
    platform: ctx.event.platform,
    chatId: ctx.event.chatId,
    chatType: "group",
    branchText: text,
    now: ctx.now,
  });
  const message = bindOutcomeText(outcome, ctx.config.adminContact);
  return outcome.kind === "bound" || outcome.kind === "already"
    ? { toast: { type: "success", text: message }, card: chatBoundCard(outcome.branch.name, ctx.member.name) }
    : { toast: { type: "warning", text: message } };
};

export function createEventRouter(deps: EventRouterDeps): EventRouter {
  const { db, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const commands = deps.commands ?? COMMANDS;
  const handlers = deps.commandHandlers;
  const botName = deps.botName ?? config.feishu?.botName ?? "支部助手";
  const budgetMs = deps.cardActionBudgetMs ?? 2000;
  const cardActions = deps.cardActions ?? createCardActionRegistry();
  if (!cardActions.get(CHAT_BIND_ACTION)) cardActions.register(CHAT_BIND_ACTION, bindFromCard);

  const clientFor = (platform: PlatformName): PlatformClient => {
    const client = deps.clients[platform];
    if (!client) throw new Error(`no client configured for ${platform}`);
    return client;
  };

  /** Keyed by the event, so a redelivered event's answer is deduplicated by the platform too. */
  const replier = (platform: PlatformName, chatId: string, eventId: string) => {
    let n = 0;
    return async (message: OutboundMessage) => {
      n++;
      await clientFor(platform).send({ type: "chat", id: chatId }, message, {
        idempotencyKey: `reply:${platform}:${eventId}:${n}`,
      });
    };
  };

  const queries = coalescedQueries(db);
  const memberOf = (platform: PlatformName, sender: Sender) =>
    queries.findMember({ platform, ids: identitiesOf(platform, sender) });
  const firstTime = (event: InboundEvent, eventType: string) =>
    queries.recordEvent({
      platform: event.platform,
      eventId: event.eventId,
      eventType,
      receivedAt: now(),
    });

  async function onMessage(event: MessageEvent) {
    // Without @ in a group the message is for the people there, not for the bot.
    if (event.chatType === "group" && !event.mentionsBot) {
      logger.debug("群消息未 @ 机器人，忽略（确实 @ 了的话，请核对 FEISHU_BOT_NAME 与机器人名称）", {
        chatId: event.chatId,
      });
      return;
    }
    const reply = replier(event.platform, event.chatId, event.eventId);
    const member = await memberOf(event.platform, event.sender);
    if (!member) {
      // Nothing is written for people outside the roster; the reply's idempotency key covers redeliveries.
      logger.info("名册外用户发来消息", { platform: event.platform, sender: event.sender.id });
      await reply({ kind: "text", text: notInRosterText(config.adminContact) });
      return;
    }
    if (!(await firstTime(event, "message"))) return;
    const command = parseCommand(event.text, commands);
    await runCommand(command, {
      event,
      member,
      db,
      config,
      client: clientFor(event.platform),
      logger,
      now: now(),
      botName,
      reply,
    });
  }

  function runCommand<C extends Command>(command: C, ctx: Parameters<CommandHandlers[C["type"]]>[0]) {
    const handler = handlers[command.type] as (c: typeof ctx, cmd: C) => Promise<void>;
    return handler(ctx, command);
  }

  async function onBotAdded(event: BotAddedEvent) {
    if (!(await firstTime(event, "bot_added"))) return;
    const reply = replier(event.platform, event.chatId, event.eventId);
    const branch = await findBranchByChat(db, event.platform, event.chatId);
    await reply(
      branch
        ? { kind: "text", text: joinedBoundChatText(botName, branch.name) }
        : { kind: "card", card: bindHowToCard(botName, event.chatName) },
    );
  }

  return {
    async handleEvent(event) {
      if (event.type === "message") await onMessage(event);
      else await onBotAdded(event);
    },

    async handleCardAction(event) {
      const member: MemberRow | undefined = await memberOf(event.platform, event.operator);
      if (!member) return { toast: { type: "warning", text: notInRosterText(config.adminContact) } };
      if (!(await firstTime(event, "card_action"))) return {};
      const name = event.value[ACTION_FIELD] ?? "";
      const handler = cardActions.get(name);
      if (!handler) {
        logger.warn("未知的卡片操作", { action: name, messageId: event.messageId });
        return { toast: { type: "warning", text: "这张卡片的操作已失效，请刷新或联系管理员。" } };
      }
      const client = clientFor(event.platform);
      const work = handler({ event, member, db, config, client, logger, now: now() });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = Symbol("late");
      const first = await Promise.race([
        work.then(
          (response) => ({ response }),
          (error: unknown) => ({ error }),
        ),
        new Promise<typeof late>((resolve) => {
          timer = setTimeout(() => resolve(late), budgetMs);
        }),
      ]);
      clearTimeout(timer);
      if (first !== late) {
        if ("error" in first) {
          logger.error("卡片操作失败", { action: name, error: first.error });
          return { toast: { type: "error", text: "操作失败，请稍后再试。" } };
        }
        return first.response;
      }
      // Too slow for the click's answer: acknowledge now and patch the card when the work is done.
      deps.background.run(async () => {
        const response = await work;
        if (response.card) await client.updateCard(event.messageId, response.card);
      });
      return { toast: { type: "info", text: "已收到，正在处理…" } };
    },
  };
}
