/**
 * What the bot does with a verified inbound event, whatever the platform.
 *
 * Messages and joins are stored in the durable inbox before the platform is answered (`accept`), and
 * processed from there (`process`) inside a transaction that also marks them done; their replies go
 * through the outbox in that same transaction. Card clicks are answered within one deadline; a click
 * whose work outlives it is stored in the inbox first, and only then told “已收到”.
 */
import type { Config } from "../config.ts";
import { coalescedQueries } from "../db/coalesced-queries.ts";
import { findBranchByChat } from "../db/queries/branch-chats.ts";
import { acceptInbound, completeInbound, deferInbound } from "../db/queries/inbox.ts";
import type { MemberRow } from "../db/queries/members.ts";
import { enqueue } from "../db/queries/outbox.ts";
import type { Database } from "../db/types.ts";
import { matchCommand } from "../domain/commands.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type { InboundSink, PlatformAdapter, PlatformSet } from "../platforms/adapter.ts";
import type {
  CardActionResponse,
  IdentityKind,
  InboundEvent,
  OutboundMessage,
  PlatformName,
  ReplyHandle,
  Sender,
} from "../platforms/types.ts";
import { ACTION_FIELD, type CardActionEvent, type CardActionRegistry } from "./card-actions.ts";
import type { MessageEvent } from "./command-context.ts";
import { replyHelp } from "./core/index.ts";
import type { CommandDef } from "./feature.ts";
import { bindHowToCard, joinedBoundChatText, notInRosterText } from "./views/bot-replies.ts";

export type BotAddedEvent = Extract<InboundEvent, { type: "bot_added" }>;
export type StoredEvent = MessageEvent | BotAddedEvent | CardActionEvent;

export interface EventRouterDeps {
  db: Database;
  config: Config;
  logger: Logger;
  platforms: PlatformSet;
  /** Where a late click's work finishes once the click has been answered. */
  background: BackgroundRunner;
  cardActions: CardActionRegistry;
  commands: readonly CommandDef<unknown>[];
  /** Something was queued in the outbox: send it now rather than at the next tick. */
  dispatch?: () => void;
  /** An event was stored in the inbox: process it soon. */
  stored?: () => void;
  now?: () => Date;
  /** Platforms wait about 3 s for a click's answer; the whole click must be done within this. */
  cardActionBudgetMs?: number;
  /** What is left of the platform's wait to store a late click durably before answering “已收到”. */
  deferBudgetMs?: number;
}

export interface EventRouter extends InboundSink {
  /** Runs a stored message or join; `db` is the transaction its done-mark commits in. */
  process(event: MessageEvent | BotAddedEvent, db: Database): Promise<void>;
  /** Runs a stored click again (its first try did not finish); patches the card with the answer. */
  processClick(event: CardActionEvent): Promise<void>;
}

/** How long after a late click its retry from the inbox may start: the work in flight usually ends first. */
const LATE_CLICK_RETRY_MS = 15_000;
/** Time for the answer itself to be rendered and reach the platform. */
const ANSWER_MARGIN_MS = 200;
/** A reply more than a day late answers nothing anyone still waits for. */
const REPLY_VALID_MS = 86_400_000;

function identitiesOf(adapter: PlatformAdapter, sender: Sender): { kind: IdentityKind; value: string }[] {
  return [{ kind: adapter.identityKind, value: sender.id }, ...(sender.altIds ?? [])];
}

/** Resolves with the work's outcome, or with `late` once `ms` have passed. */
async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | "late"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createEventRouter(deps: EventRouterDeps): EventRouter {
  const { db, config, logger, commands, cardActions } = deps;
  const now = deps.now ?? (() => new Date());
  const budgetMs = deps.cardActionBudgetMs ?? 2000;
  const deferBudgetMs = deps.deferBudgetMs ?? 500;
  const dispatch = () => deps.dispatch?.();
  /** The click's own budget: the platform's wait, less the time to store it and answer “已收到”. */
  const budgetFor = (platform: PlatformName): number => {
    const wait = deps.platforms.get(platform)?.limits.cardAnswerMs;
    return wait === undefined
      ? budgetMs
      : Math.max(100, Math.min(budgetMs, wait - deferBudgetMs - ANSWER_MARGIN_MS));
  };

  const adapterOf = (platform: PlatformName): PlatformAdapter => {
    const adapter = deps.platforms.get(platform);
    if (!adapter) throw new Error(`no adapter configured for ${platform}`);
    return adapter;
  };

  /**
   * Answers in the chat the event came from, through the outbox in the event's transaction; keyed by the
   * event, so processing it again never answers twice.
   */
  const replier = (
    tx: Database,
    platform: PlatformName,
    chatId: string,
    eventId: string,
    replyHandle?: ReplyHandle,
  ) => {
    let n = 0;
    return async (reply: OutboundMessage) => {
      // The platform's cheaper reply path (DingTalk's session webhook) travels with the queued reply.
      const message = replyHandle ? { ...reply, replyHandle } : reply;
      n++;
      const at = now();
      await enqueue(
        tx,
        [
          {
            idempotencyKey: `reply:${platform}:${eventId}:${n}`,
            kind: "reply",
            subject: `event:${platform}:${eventId}`,
            platform,
            target: { type: "chat", id: chatId },
            message,
            dueAt: at,
            expiresAt: new Date(at.getTime() + REPLY_VALID_MS),
            expiryReason: "回复超过 24 小时未能发送，不再发送",
          },
        ],
        at,
      );
    };
  };

  const queries = coalescedQueries(db);
  const memberOf = (platform: PlatformName, sender: Sender) =>
    queries.findMember({ platform, ids: identitiesOf(adapterOf(platform), sender) });

  async function onMessage(event: MessageEvent, tx: Database) {
    const adapter = adapterOf(event.platform);
    // Without @ in a group the message is for the people there, not for the bot.
    if (event.chatType === "group" && !event.mentionsBot) {
      logger.debug("群消息未 @ 机器人，忽略（确实 @ 了的话，请核对机器人名称的配置）", {
        platform: event.platform,
        chatId: event.chatId,
      });
      return;
    }
    const reply = replier(tx, event.platform, event.chatId, event.eventId, event.replyHandle);
    const member = await coalescedQueries(tx).findMember({
      platform: event.platform,
      ids: identitiesOf(adapter, event.sender),
    });
    if (!member) {
      logger.info("名册外用户发来消息", { platform: event.platform, sender: event.sender.id });
      await reply({ kind: "text", text: notInRosterText(config.adminContact, adapter.label) });
      return;
    }
    const ctx = {
      event,
      member,
      db: tx,
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

  async function onBotAdded(event: BotAddedEvent, tx: Database) {
    const reply = replier(tx, event.platform, event.chatId, event.eventId);
    const branch = await findBranchByChat(tx, event.platform, event.chatId);
    const botName = adapterOf(event.platform).botName;
    await reply(
      branch
        ? { kind: "text", text: joinedBoundChatText(botName, branch.name) }
        : { kind: "card", card: bindHowToCard(botName, event.chatName) },
    );
  }

  /** The click's work: who clicked, whether it is new, and the action's handler. */
  async function runClick(event: CardActionEvent, firstDelivery: boolean): Promise<CardActionResponse> {
    const adapter = adapterOf(event.platform);
    const member: MemberRow | undefined = await memberOf(event.platform, event.operator);
    if (!member) {
      return { toast: { type: "warning", text: notInRosterText(config.adminContact, adapter.label) } };
    }
    if (firstDelivery) {
      const fresh = await queries.recordEvent({
        platform: event.platform,
        eventId: event.eventId,
        eventType: "card_action",
        receivedAt: now(),
      });
      if (!fresh) return {};
    }
    const name = event.value[ACTION_FIELD] ?? "";
    const handler = cardActions.get(name);
    if (!handler) {
      logger.warn("未知的卡片操作", { action: name, messageId: event.messageId });
      return { toast: { type: "warning", text: "这张卡片的操作已失效，请刷新或联系管理员。" } };
    }
    return handler({ event, member, db, config, platform: adapter, logger, now: now() });
  }

  const entryOf = (event: StoredEvent, eventType: string) => ({
    platform: event.platform,
    eventId: event.eventId,
    eventType,
    payload: event,
  });

  return {
    async accept(event) {
      // Without @ in a group the message is for the people there: nothing to keep.
      if (event.type === "message" && event.chatType === "group" && !event.mentionsBot) return;
      // Throws when the database cannot take it: the receiver answers 5xx and the platform redelivers.
      const fresh = await acceptInbound(db, entryOf(event, event.type), now());
      if (fresh) deps.stored?.();
    },

    async process(event, tx) {
      if (event.type === "message") await onMessage(event, tx);
      else await onBotAdded(event, tx);
    },

    async processClick(event) {
      const response = await runClick(event, false);
      if (response.card) await adapterOf(event.platform).client.updateCard(event.messageId, response.card);
      dispatch();
    },

    async handleCardAction(event) {
      const work = runClick(event, true);
      const first = await within(work, budgetFor(event.platform));
      if (first !== "late") {
        if ("error" in first) {
          logger.error("卡片操作失败", { action: event.value[ACTION_FIELD], error: first.error });
          return { toast: { type: "error", text: "操作未能完成，请稍后再试。" } };
        }
        dispatch();
        return first.value;
      }
      // Too slow for the platform's wait. Only once the click is stored may the member be told it arrived;
      // the inbox then finishes it by retry if the work in flight does not.
      const stored = await within(
        deferInbound(
          db,
          entryOf(event, "card_action"),
          new Date(now().getTime() + LATE_CLICK_RETRY_MS),
          now(),
        ),
        deferBudgetMs,
      );
      if (stored === "late" || "error" in stored) {
        logger.error("卡片操作超时且未能保存", {
          action: event.value[ACTION_FIELD],
          error: stored === "late" ? "timeout" : stored.error,
        });
        return { toast: { type: "error", text: "系统繁忙，本次操作未能确认，请稍后再试。" } };
      }
      deps.stored?.();
      deps.background.run(async () => {
        try {
          const response = await work;
          if (response.card)
            await adapterOf(event.platform).client.updateCard(event.messageId, response.card);
          await completeInbound(db, event, undefined, now());
          dispatch();
        } catch (error) {
          // Still pending in the inbox: the retry finishes it, or tells the member it could not.
          logger.warn("卡片操作在应答后失败，将由收件箱重试", { eventId: event.eventId, error });
        }
      });
      return { toast: { type: "info", text: "已收到，正在处理…" } };
    },
  };
}
