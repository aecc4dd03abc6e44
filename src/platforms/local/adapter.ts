/**
 * The local console as a platform: people are roster members picked in the browser, chats are each
 * branch's group chat and each member's private chat with the bot. What the bot sends is kept in memory
 * (cards as CardView) for the browser to show; what people type and click goes to the same InboundSink
 * as a Feishu webhook's events — so the event router, use cases, database and outbox are the real ones.
 */
import { randomUUID } from "node:crypto";
import type { InboundSink, PlatformAdapter, PlatformLimits } from "../adapter.ts";
import { cardActions } from "../memory/adapter.ts";
import {
  type CardActionResponse,
  type MessageTarget,
  type OutboundMessage,
  PlatformSendError,
} from "../types.ts";

export const LOCAL_BOT_NAME = "支部助手";

/** One line of a conversation: what the bot sent (updated in place for cards), or what someone typed. */
export interface LocalEntry {
  /** Increases with every entry, across all conversations. */
  seq: number;
  messageId: string;
  /** Where it shows: a group chat id, or `p2p_<member id>` for a member's private chat with the bot. */
  conversation: string;
  from: { kind: "bot" } | { kind: "person"; id: string };
  message: OutboundMessage;
  at: Date;
  updates: number;
}

export interface LocalAdapter extends PlatformAdapter {
  readonly name: "local";
  /** Grows with every message sent, card updated or line typed: the browser polls it. */
  version(): number;
  /** A conversation's entries, oldest first (at most the last `limit`). */
  conversation(id: string, limit?: number): LocalEntry[];
  /** Someone types in a chat; in a group, the bot hears only when @-mentioned. Resolves once stored. */
  say(senderId: string, conversation: string, text: string): Promise<void>;
  /**
   * Someone presses the `index`-th button or form submit of a card as it is now; `action` must still be
   * that button's (a card updated meanwhile is not clicked blindly).
   */
  click(
    senderId: string,
    messageId: string,
    index: number,
    action: string,
    formValue?: Record<string, string | string[]>,
  ): Promise<CardActionResponse>;
}

/** The private chat of a member with the bot. */
export const privateConversationOf = (memberId: string) => `p2p_${memberId}`;

const LOCAL_LIMITS: PlatformLimits = {
  messagesPerSecond: 1000,
  targetIntervalMs: 100,
  cardUpdatesPerSecond: 20,
  liveCardCallsPerSecond: 500,
  maxCardBytes: 1_000_000,
};

/** Older lines are forgotten beyond this: the console shows a session, not an archive. */
const KEEP_ENTRIES = 5000;

export class LocalConsoleError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = "LocalConsoleError";
  }
}

export function createLocalAdapter(options: { botName?: string; now?: () => Date } = {}): LocalAdapter {
  const now = options.now ?? (() => new Date());
  const botName = options.botName ?? LOCAL_BOT_NAME;
  const entries: LocalEntry[] = [];
  const byKey = new Map<string, LocalEntry>();
  const byId = new Map<string, LocalEntry>();
  // Message and event ids must not repeat across restarts: the database keeps those of earlier runs.
  const run = randomUUID().slice(0, 8);
  let seq = 0;
  let version = 0;
  let sink: InboundSink | undefined;
  const sinkOf = () => {
    if (!sink) throw new LocalConsoleError("本地控制台尚未就绪，请稍后再试", 409);
    return sink;
  };
  const add = (entry: Omit<LocalEntry, "seq" | "updates">) => {
    const e: LocalEntry = { ...entry, seq: ++seq, updates: 0 };
    entries.push(e);
    byId.set(e.messageId, e);
    if (entries.length > KEEP_ENTRIES) {
      const old = entries.splice(0, entries.length - KEEP_ENTRIES);
      for (const o of old) byId.delete(o.messageId);
      // Keys of forgotten sends go too; the outbox never retries that long after.
      for (const [k, v] of byKey) if (!byId.has(v.messageId)) byKey.delete(k);
    }
    version++;
    return e;
  };
  const conversationOf = (target: MessageTarget) =>
    target.type === "chat" ? target.id : privateConversationOf(target.id);
  // "@支部助手 安排 …" as a person types it; the mention may be full-width or followed by no space.
  const mention = new RegExp(`^\\s*[@＠]${botName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*`);

  return {
    name: "local",
    label: "本地体验",
    identityKind: "local_id",
    botName,
    limits: LOCAL_LIMITS,
    client: {
      platform: "local",
      async send(target, message, { idempotencyKey }) {
        // Like a platform's dedup token: a retried send never posts twice.
        const again = byKey.get(idempotencyKey);
        if (again) return { messageId: again.messageId };
        const e = add({
          messageId: `loc_${run}_${seq + 1}`,
          conversation: conversationOf(target),
          from: { kind: "bot" },
          message,
          at: now(),
        });
        byKey.set(idempotencyKey, e);
        return { messageId: e.messageId };
      },
      async updateCard(messageId, card) {
        const e = byId.get(messageId);
        // A card of an earlier run (or forgotten): nothing shows it any more, so there is nothing to update.
        if (!e) throw new PlatformSendError(`本地控制台：消息 ${messageId} 已不在`, false);
        e.message = { kind: "card", card };
        e.updates++;
        version++;
      },
    },
    receiver: {
      async start(s) {
        sink = s;
      },
      async stop() {
        sink = undefined;
      },
    },
    describe: () => "本地体验控制台：已启用（会话保存在内存中，重启后清空；数据在数据库中）",
    version: () => version,
    conversation(id, limit = 200) {
      const list = entries.filter((e) => e.conversation === id);
      return list.slice(Math.max(0, list.length - limit));
    },
    async say(senderId, conversation, text) {
      const isPrivate = conversation === privateConversationOf(senderId);
      const mentioned = mention.test(text);
      const id = `loc_${run}_evt_${seq + 1}`;
      add({
        messageId: id,
        conversation,
        from: { kind: "person", id: senderId },
        message: { kind: "text", text },
        at: now(),
      });
      await sinkOf().accept({
        type: "message",
        platform: "local",
        eventId: id,
        messageId: id,
        chatId: conversation,
        chatType: isPrivate ? "p2p" : "group",
        sender: { id: senderId },
        text: text.replace(mention, "").trim(),
        mentionsBot: isPrivate || mentioned,
      });
    },
    async click(senderId, messageId, index, action, formValue) {
      const e = byId.get(messageId);
      if (e?.message.kind !== "card") throw new LocalConsoleError("这张卡片已不在了", 404);
      const button = cardActions(e.message.card)[index];
      if (!button || button.value.action !== action)
        throw new LocalConsoleError("卡片已更新，请看最新的卡片后再点", 409);
      const response = await sinkOf().handleCardAction({
        type: "card_action",
        platform: "local",
        eventId: `loc_${run}_click_${++seq}`,
        messageId,
        ...(e.conversation.startsWith("p2p_") ? {} : { chatId: e.conversation }),
        operator: { id: senderId },
        value: button.value,
        ...(formValue ? { formValue } : {}),
      });
      // The platform shows the answer's card in place of the clicked one.
      if (response.card) {
        e.message = { kind: "card", card: response.card };
        e.updates++;
      }
      version++;
      return response;
    },
  };
}

/** The local adapter among the configured ones, if the console is on. */
export function localAdapterOf(platforms: ReadonlyMap<string, PlatformAdapter>): LocalAdapter | undefined {
  const a = platforms.get("local");
  return a && "conversation" in a ? (a as LocalAdapter) : undefined;
}
