/**
 * A platform that lives in memory: it keeps every message the bot sends (cards as CardView, not as
 * any platform's JSON) and feeds messages and clicks back to the bot as a platform would. Use-case tests
 * run on it; it can stand in for any platform's name and identity kind, so the example roster's ids work.
 */
import type { InboundSink, PlatformAdapter, PlatformLimits } from "../adapter.ts";
import {
  type ActionValue,
  type CardActionResponse,
  type CardButton,
  type CardView,
  type IdentityKind,
  type MessageTarget,
  type OutboundMessage,
  type PlatformName,
  PlatformSendError,
} from "../types.ts";

export interface MemoryMessage {
  messageId: string;
  target: MessageTarget;
  message: OutboundMessage;
  idempotencyKey: string;
  /** How often the card was replaced since it was sent (live counts, a clicked card's answer). */
  updates: number;
}

export interface MemoryOptions {
  name: PlatformName;
  identityKind: IdentityKind;
  botName?: string;
  limits?: Partial<PlatformLimits>;
  /** Make a send fail (a platform error, a rate limit) by returning the error to throw. */
  failSend?: (target: MessageTarget, message: OutboundMessage) => PlatformSendError | undefined;
}

export interface MemoryPlatform extends PlatformAdapter {
  /** Everything sent, oldest first; a card shows its latest content. */
  readonly sent: readonly MemoryMessage[];
  /** What a chat or a person received, oldest first. */
  to(target: MessageTarget): MemoryMessage[];
  /** Someone writes; in a group the bot is @-mentioned unless `mention` is false. Resolves when handled. */
  say(
    sender: string,
    chat: { id: string; type: "group" | "p2p" },
    text: string,
    options?: { mention?: boolean; eventId?: string },
  ): Promise<void>;
  /**
   * Someone presses the button named `action` on a card the bot sent (or submits its form), as it is on
   * the card now; fails when the card has no such button, as a real card would not.
   */
  click(
    sender: string,
    messageId: string,
    action: string,
    formValue?: Record<string, string | string[]>,
    /** `stale`: the value a button sent before the card was updated (a member whose client missed the patch). */
    options?: { eventId?: string; stale?: ActionValue },
  ): Promise<CardActionResponse>;
}

const MEMORY_LIMITS: PlatformLimits = {
  messagesPerSecond: 1000,
  targetIntervalMs: 100,
  cardUpdatesPerSecond: 20,
  liveCardCallsPerSecond: 500,
  maxCardBytes: 1_000_000,
};

/** The buttons and form submits of a card, with the value each sends. */
export function cardActions(card: CardView): { label: string; value: ActionValue }[] {
  return card.blocks.flatMap((b) => {
    if (b.type === "buttons") return b.buttons.map((x: CardButton) => ({ label: x.label, value: x.value }));
    if (b.type === "form") return [{ label: b.submit.label, value: b.submit.value }];
    return [];
  });
}

/**
 * A chart's spec must be plain JSON, as Feishu takes it ("图表组件暂不支持 JavaScript 语法"): a function,
 * undefined or a non-finite number in it would be lost or refused there, so it is refused here too.
 */
export function chartProblem(card: CardView): string | undefined {
  for (const b of card.blocks) {
    if (b.type !== "chart") continue;
    const bad = (v: unknown): boolean =>
      typeof v === "function" ||
      v === undefined ||
      (typeof v === "number" && !Number.isFinite(v)) ||
      (Array.isArray(v) ? v.some(bad) : typeof v === "object" && v !== null && Object.values(v).some(bad));
    if (bad(b.spec)) return `chart "${b.title}" is not plain JSON`;
    if (!b.fallback) return `chart "${b.title}" has no text fallback`;
  }
  return undefined;
}

export function createMemoryPlatform(options: MemoryOptions): MemoryPlatform {
  const sent: MemoryMessage[] = [];
  // Like Feishu's uuid: a retried send with the same key never posts twice.
  const byKey = new Map<string, MemoryMessage>();
  let sink: InboundSink | undefined;
  let seq = 0;
  const sinkOf = () => {
    if (!sink)
      throw new Error("memory platform: receiver not started (createBot, then receiver.start(bot.sink))");
    return sink;
  };
  const sameTarget = (a: MessageTarget, b: MessageTarget) => a.type === b.type && a.id === b.id;

  return {
    name: options.name,
    label: "本地",
    identityKind: options.identityKind,
    botName: options.botName ?? "支部助手",
    limits: { ...MEMORY_LIMITS, ...options.limits },
    client: {
      platform: options.name,
      async send(target, message, { idempotencyKey }) {
        const failure = options.failSend?.(target, message);
        if (failure) throw failure;
        const problem = message.kind === "card" ? chartProblem(message.card) : undefined;
        if (problem) throw new PlatformSendError(`memory platform: ${problem}`, false);
        const again = byKey.get(idempotencyKey);
        if (again) return { messageId: again.messageId };
        const m: MemoryMessage = { messageId: `mem_${++seq}`, target, message, idempotencyKey, updates: 0 };
        sent.push(m);
        byKey.set(idempotencyKey, m);
        return { messageId: m.messageId };
      },
      async updateCard(messageId, card) {
        const problem = chartProblem(card);
        if (problem) throw new PlatformSendError(`memory platform: ${problem}`, false);
        const m = sent.find((x) => x.messageId === messageId);
        if (!m) throw new PlatformSendError(`memory platform: no message ${messageId}`, false);
        m.message = { kind: "card", card };
        m.updates++;
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
    describe: () => `本地平台（内存）：代替 ${options.name}`,
    sent,
    to: (target) => sent.filter((m) => sameTarget(m.target, target)),
    async say(sender, chat, text, opts = {}) {
      const id = opts.eventId ?? `mem_evt_${++seq}`;
      await sinkOf().accept({
        type: "message",
        platform: options.name,
        eventId: id,
        messageId: id,
        chatId: chat.id,
        chatType: chat.type,
        sender: { id: sender },
        text,
        mentionsBot: chat.type === "p2p" || opts.mention !== false,
      });
    },
    async click(sender, messageId, action, formValue, opts = {}) {
      const m = sent.find((x) => x.messageId === messageId);
      if (m?.message.kind !== "card") throw new Error(`memory platform: no card ${messageId}`);
      const button = opts.stale
        ? { label: "", value: opts.stale }
        : cardActions(m.message.card).find((b) => b.value.action === action);
      if (!button) {
        const labels = cardActions(m.message.card).map((b) => `${b.label}(${b.value.action})`);
        throw new Error(
          `card "${m.message.card.header.title}" has no action ${action}; it has ${labels.join(", ")}`,
        );
      }
      const response = await sinkOf().handleCardAction({
        type: "card_action",
        platform: options.name,
        eventId: opts.eventId ?? `mem_click_${++seq}`,
        messageId,
        ...(m.target.type === "chat" ? { chatId: m.target.id } : {}),
        operator: { id: sender },
        value: button.value,
        ...(formValue ? { formValue } : {}),
      });
      // The platform shows the answer's card in place of the clicked one.
      if (response.card) {
        m.message = { kind: "card", card: response.card };
        m.updates++;
      }
      return response;
    },
  };
}
