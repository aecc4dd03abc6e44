/**
 * What every messaging platform adapter (Feishu now, DingTalk next) offers the rest of zhibu.
 * Domain and app code speak only these shapes; each adapter turns them into its own JSON.
 */

import type { IDENTITY_KINDS, PLATFORM_NAMES } from "../domain/identity.ts";

export type PlatformName = (typeof PLATFORM_NAMES)[number];
/** How a platform names a person; the roster stores any of these per platform. */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** A group chat, or one person (Feishu: open_id; DingTalk: staffId). */
export interface MessageTarget {
  type: "chat" | "user";
  id: string;
}

// ── cards: our view model, rendered by each platform's cards module ─────────

export type CardTone = "blue" | "green" | "orange" | "red" | "grey";

export interface CardView {
  header: { title: string; subtitle?: string; tone?: CardTone };
  blocks: CardBlock[];
}

/** Opaque to the platform: comes back verbatim in the card-action event. */
export type ActionValue = Record<string, string>;

export interface CardButton {
  label: string;
  value: ActionValue;
  style?: "primary" | "default" | "danger";
  /** Asks "are you sure?" before sending the action. */
  confirm?: { title: string; text: string };
}

export interface CardInput {
  name: string;
  label: string;
  placeholder?: string;
  required?: boolean;
  multiline?: boolean;
  initial?: string;
  /** A choice instead of free text: several may be picked unless `single`. */
  options?: { value: string; label: string }[];
  single?: boolean;
  /** Pre-selected option values. */
  initialValues?: string[];
}

/** Plain JSON, as a chart's spec is sent. */
export type ChartJson = string | number | boolean | null | ChartJson[] | { [key: string]: ChartJson };

/**
 * A chart: a VChart spec (line, bar) with no callbacks, as Feishu card 2.0's chart element takes it.
 * Platforms that draw no charts show `fallback` instead, so the figures are never lost.
 */
export interface CardChart {
  type: "chart";
  title: string;
  spec: { [key: string]: ChartJson };
  aspectRatio?: "1:1" | "2:1" | "4:3" | "16:9";
  /** "420px", for a bar chart whose height grows with its rows; the ratio is then ignored. */
  height?: string;
  /** The same figures as text. */
  fallback: string;
}

export type CardBlock =
  | { type: "markdown"; text: string }
  | CardChart
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "divider" }
  | { type: "note"; text: string }
  | { type: "buttons"; buttons: CardButton[] }
  | { type: "link"; label: string; url: string }
  | {
      type: "form";
      name: string;
      inputs: CardInput[];
      submit: { label: string; value: ActionValue };
    };

export type OutboundMessage = ({ kind: "text"; text: string } | { kind: "card"; card: CardView }) & {
  /**
   * For replies: the inbound message's reply address (a per-conversation webhook), kept with the queued
   * message so the adapter can answer through it while it is valid. Other platforms ignore it.
   */
  replyHandle?: ReplyHandle;
};

export interface SendOptions {
  /** Our own key; the adapter derives the platform's dedup token from it so a retried send never posts twice. */
  idempotencyKey: string;
}

export interface SendResult {
  messageId: string;
}

/**
 * Raised by adapters, which alone know their platform's error codes: `retryable` tells the outbox
 * whether to try again; `retryAfterMs` marks a rate limit and when it lifts; `scope` says whether the
 * limit is the whole app's or one chat's/person's.
 */
export class PlatformSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: {
      code?: number | string;
      status?: number;
      retryAfterMs?: number;
      scope?: "app" | "target";
    } = {},
  ) {
    super(message);
    this.name = "PlatformSendError";
  }
}

export interface PlatformClient {
  readonly platform: PlatformName;
  send(target: MessageTarget, message: OutboundMessage, options: SendOptions): Promise<SendResult>;
  /** Replaces the content of a card sent earlier (the platform must allow the card to be updated). */
  updateCard(messageId: string, card: CardView): Promise<void>;
  /**
   * Set when the platform can send one private message to many people in one call (DingTalk, whose
   * calls are counted against a monthly quota): the outbox then sends due rows with the same content
   * together. Without it every row is sent on its own.
   */
  readonly privateBatch?: PrivateBatchSender;
}

/** One person's outcome in a private batch: sent (with the platform's message id), or why not. */
export type PrivateBatchOutcome = SendResult | PlatformSendError;

export interface PrivateBatchSender {
  /** Most people one call may name. */
  readonly maxRecipients: number;
  /** Whether this message may go in a batch (e.g. plain text that is not a reply). */
  accepts(message: OutboundMessage): boolean;
  /**
   * Sends `message` to every one of `userIds` (at most `maxRecipients`, no repeats) in one call.
   * Throws a PlatformSendError when the call failed as a whole (it reached nobody, or may have reached
   * everyone if it timed out, as a single send would); otherwise answers one outcome per user id.
   */
  send(userIds: readonly string[], message: OutboundMessage): Promise<Map<string, PrivateBatchOutcome>>;
}

// ── inbound: verified platform requests become these ─────────────────────────

export interface Sender {
  /** The id the roster stores for this platform (Feishu open_id, DingTalk staffId). */
  id: string;
  /** Other ids the platform sent, for matching a roster that stores user_id/union_id instead. */
  altIds?: { kind: IdentityKind; value: string }[];
}

/**
 * A short-lived way to answer one inbound message, handed back to the same platform's client when
 * replying (a per-conversation reply address, valid until `expiresAt`). Opaque elsewhere.
 */
export interface ReplyHandle {
  platform: PlatformName;
  url: string;
  /** Epoch milliseconds after which the platform no longer accepts it. */
  expiresAt: number;
}

export type InboundEvent =
  | {
      type: "message";
      platform: PlatformName;
      eventId: string;
      messageId: string;
      chatId: string;
      chatType: "group" | "p2p";
      sender: Sender;
      /** With the bot's @-mention removed and whitespace trimmed. */
      text: string;
      mentionsBot: boolean;
      /** Set when the platform offers a cheaper reply path than its send API (DingTalk). */
      replyHandle?: ReplyHandle;
    }
  | {
      type: "bot_added";
      platform: PlatformName;
      eventId: string;
      chatId: string;
      chatName?: string;
      operator?: Sender;
    }
  | {
      type: "card_action";
      platform: PlatformName;
      eventId: string;
      messageId: string;
      chatId?: string;
      operator: Sender;
      value: ActionValue;
      /** Form inputs by name, for form submissions. */
      formValue?: Record<string, string | string[]>;
    };

export interface CardActionResponse {
  toast?: { type: "success" | "info" | "warning" | "error"; text: string };
  /** A replacement for the card the user clicked on. */
  card?: CardView;
}
