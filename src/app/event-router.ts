/**
 * What the bot does with a verified inbound event, whatever the platform. The platforms' receivers answer
 * first and hand messages and joins over to run afterwards; card clicks are answered here within a time
 * budget.
 */
import type { Config } from "../config.ts";
import { coalescedQueries } from "../db/coalesced-queries.ts";
import { findBranchByChat } from "../db/queries/branch-chats.ts";
import type { MemberRow } from "../db/queries/members.ts";
import type { Database } from "../db/types.ts";
import { matchCommand } from "../domain/commands.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type { InboundSink, PlatformAdapter, PlatformSet } from "../platforms/adapter.ts";
import type {
  IdentityKind,
  InboundEvent,
  OutboundMessage,
  PlatformName,
  Sender,
} from "../platforms/types.ts";
import { ACTION_FIELD, type CardActionRegistry } from "./card-actions.ts";
import type { MessageEvent } from "./command-context.ts";
import { replyHelp } from "./core/index.ts";
import type { CommandDef } from "./feature.ts";
import { bindHowToCard, joinedBoundChatText, notInRosterText } from "./views/bot-replies.ts";

export type BotAddedEvent = Extract<InboundEvent, { type: "bot_added" }>;

export interface EventRouterDeps {
  db: Database;
  config: Config;
  logger: Logger;
  platforms: PlatformSet;
  /** Where late card updates run once the click has been answered. */
  background: BackgroundRunner;
  cardActions: CardActionRegistry;
  commands: readonly CommandDef<unknown>[];
  now?: () => Date;
  /** Feishu waits 3 s for a click's answer; what is not done by then is patched in afterwards. */
  cardActionBudgetMs?: number;
}

export type EventRouter = InboundSink;

function identitiesOf(adapter: PlatformAdapter, sender: Sender): { kind: IdentityKind; value: string }[] {
  return [{ kind: adapter.identityKind, value: sender.id }, ...(sender.altIds ?? [])];
}

export function createEventRouter(deps: EventRouterDeps): EventRouter {
  const { db, config, logger, commands, cardActions } = deps;
  const now = deps.now ?? (() => new Date());
  const budgetMs = deps.cardActionBudgetMs ?? 2000;

  const adapterOf = (platform: PlatformName): PlatformAdapter => {
    const adapter = deps.platforms.get(platform);
    if (!adapter) throw new Error(`no adapter configured for ${platform}`);
    return adapter;
  };

  /** Keyed by the event, so a redelivered event's answer is deduplicated by the platform too. */
  const replier = (platform: PlatformName, chatId: string, eventId: string) => {
    let n = 0;
    return async (message: OutboundMessage) => {
      n++;
      await adapterOf(platform).client.send({ type: "chat", id: chatId }, message, {
        idempotencyKey: `reply:${platform}:${eventId}:${n}`,
      });
    };
  };

  const queries = coalescedQueries(db);
  const memberOf = (platform: PlatformName, sender: Sender) =>
    queries.findMember({ platform, ids: identitiesOf(adapterOf(platform), sender) });
  const firstTime = (event: InboundEvent, eventType: string) =>
    queries.recordEvent({
      platform: event.platform,
      eventId: event.eventId,
      eventType,
      receivedAt: now(),
    });

  async function onMessage(event: MessageEvent) {
    const adapter = adapterOf(event.platform);
    // Without @ in a group the message is for the people there, not for the bot.
    if (event.chatType === "group" && !event.mentionsBot) {
      logger.debug("群消息未 @ 机器人，忽略（确实 @ 了的话，请核对机器人名称的配置）", {
        platform: event.platform,
        chatId: event.chatId,
      });
      return;
    }
    const reply = replier(event.platform, event.chatId, event.eventId);
    const member = await memberOf(event.platform, event.sender);
    if (!member) {
      // Nothing is written for people outside the roster; the reply's idempotency key covers redeliveries.
      logger.info("名册外用户发来消息", { platform: event.platform, sender: event.sender.id });
      await reply({ kind: "text", text: notInRosterText(config.adminContact, adapter.label) });
      return;
    }
    if (!(await firstTime(event, "message"))) return;
    const ctx = {
      event,
      member,
      db,
      config,
      platform: adapter,
      logger,
      now: now(),
      botName: adapter.botName,
      commands,
      reply,
    };
    const match = matchCommand(event.text, commands);
    if (!match.command) return replyHelp(ctx, match.text || undefined);
    const parsed = match.command.parse(match.rest);
    if (!parsed.ok) return reply({ kind: "text", text: parsed.hint });
    await match.command.handle(ctx, parsed.args);
  }

  async function onBotAdded(event: BotAddedEvent) {
    if (!(await firstTime(event, "bot_added"))) return;
    const reply = replier(event.platform, event.chatId, event.eventId);
    const branch = await findBranchByChat(db, event.platform, event.chatId);
    const botName = adapterOf(event.platform).botName;
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
      const adapter = adapterOf(event.platform);
      const member: MemberRow | undefined = await memberOf(event.platform, event.operator);
      if (!member) {
        return { toast: { type: "warning", text: notInRosterText(config.adminContact, adapter.label) } };
      }
      if (!(await firstTime(event, "card_action"))) return {};
      const name = event.value[ACTION_FIELD] ?? "";
      const handler = cardActions.get(name);
      if (!handler) {
        logger.warn("未知的卡片操作", { action: name, messageId: event.messageId });
        return { toast: { type: "warning", text: "这张卡片的操作已失效，请刷新或联系管理员。" } };
      }
      const work = handler({ event, member, db, config, platform: adapter, logger, now: now() });
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
        if (response.card) await adapter.client.updateCard(event.messageId, response.card);
      });
      return { toast: { type: "info", text: "已收到，正在处理…" } };
    },
  };
}
