/**
 * Pure: a verified, decrypted Feishu payload → our InboundEvent. Anything we do not act on comes back
 * as `ignored` (answered 200 so Feishu stops retrying), never as an error.
 */
import type { ActionValue, InboundEvent, Sender } from "../types.ts";

export type FeishuParsed =
  | { kind: "challenge"; challenge: string }
  | { kind: "event"; eventType: string; event: InboundEvent }
  | { kind: "ignored"; eventType: string | undefined; reason: string };

export interface ParseOptions {
  /** The bot's display name in Feishu (FEISHU_BOT_NAME): how its @-mention is recognised. */
  botName: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function senderOf(ids: unknown): Sender | undefined {
  const o = obj(ids);
  const openId = str(o.open_id);
  if (!openId) return undefined;
  const altIds: NonNullable<Sender["altIds"]> = [];
  const userId = str(o.user_id);
  const unionId = str(o.union_id);
  if (userId) altIds.push({ kind: "user_id", value: userId });
  if (unionId) altIds.push({ kind: "union_id", value: unionId });
  return { id: openId, ...(altIds.length ? { altIds } : {}) };
}

interface Mention {
  key: string;
  name: string;
}

function mentionsOf(v: unknown): Mention[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((m) => {
    const key = str(obj(m).key);
    return key ? [{ key, name: str(obj(m).name) ?? "" }] : [];
  });
}

/** Removes the bot's @-placeholder, spells out the others, and tidies whitespace. */
function cleanText(raw: string, mentions: Mention[], isBot: (m: Mention) => boolean): string {
  let text = raw;
  // Longest keys first so @_user_10 is not cut by @_user_1.
  for (const m of [...mentions].sort((a, b) => b.key.length - a.key.length)) {
    text = text.split(m.key).join(isBot(m) ? " " : `@${m.name}`);
  }
  return text.replace(/@_all/g, " ").replace(/\s+/g, " ").trim();
}

function parseMessage(eventId: string, e: Obj, options: ParseOptions): FeishuParsed {
  const eventType = "im.message.receive_v1";
  const sender = obj(e.sender);
  if (sender.sender_type !== "user") return { kind: "ignored", eventType, reason: "not sent by a user" };
  const message = obj(e.message);
  const who = senderOf(sender.sender_id);
  const messageId = str(message.message_id);
  const chatId = str(message.chat_id);
  if (!who || !messageId || !chatId) return { kind: "ignored", eventType, reason: "incomplete message" };
  if (message.message_type !== "text") return { kind: "ignored", eventType, reason: "not a text message" };
  let raw = "";
  try {
    raw = str(obj(JSON.parse(String(message.content))).text) ?? "";
  } catch {
    return { kind: "ignored", eventType, reason: "unreadable content" };
  }
  const mentions = mentionsOf(message.mentions);
  const isBot = (m: Mention) => m.name === options.botName;
  return {
    kind: "event",
    eventType,
    event: {
      type: "message",
      platform: "feishu",
      eventId,
      messageId,
      chatId,
      chatType: message.chat_type === "p2p" ? "p2p" : "group",
      sender: who,
      text: cleanText(raw, mentions, isBot),
      mentionsBot: mentions.some(isBot),
    },
  };
}

/** Our buttons only carry strings; anything else Feishu sends back is stringified, not trusted. */
function actionValue(v: unknown): ActionValue {
  let source = v;
  if (typeof v === "string") {
    try {
      source = JSON.parse(v);
    } catch {
      return { value: v };
    }
  }
  const out: ActionValue = {};
  for (const [k, x] of Object.entries(obj(source))) {
    if (x !== null && x !== undefined) out[k] = typeof x === "string" ? x : JSON.stringify(x);
  }
  return out;
}

function formValue(v: unknown): Record<string, string | string[]> | undefined {
  const o = obj(v);
  const entries = Object.entries(o).flatMap(([k, x]): [string, string | string[]][] => {
    if (typeof x === "string") return [[k, x]];
    if (Array.isArray(x)) return [[k, x.map(String)]];
    if (typeof x === "number" || typeof x === "boolean") return [[k, String(x)]];
    return [];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function parseFeishuPayload(payload: Obj, options: ParseOptions): FeishuParsed {
  if (payload.type === "url_verification") {
    const challenge = str(payload.challenge);
    return challenge
      ? { kind: "challenge", challenge }
      : { kind: "ignored", eventType: "url_verification", reason: "no challenge" };
  }
  const header = obj(payload.header);
  const eventType = str(header.event_type);
  const eventId = str(header.event_id);
  if (payload.schema !== "2.0" || !eventType || !eventId) {
    return { kind: "ignored", eventType, reason: "not a v2 event" };
  }
  const e = obj(payload.event);
  switch (eventType) {
    case "im.message.receive_v1":
      return parseMessage(eventId, e, options);
    case "im.chat.member.bot.added_v1": {
      const chatId = str(e.chat_id);
      if (!chatId) return { kind: "ignored", eventType, reason: "no chat id" };
      const operator = senderOf(e.operator_id);
      const chatName = str(e.name);
      return {
        kind: "event",
        eventType,
        event: {
          type: "bot_added",
          platform: "feishu",
          eventId,
          chatId,
          ...(chatName ? { chatName } : {}),
          ...(operator ? { operator } : {}),
        },
      };
    }
    case "card.action.trigger": {
      const operator = senderOf(e.operator);
      const context = obj(e.context);
      const action = obj(e.action);
      const messageId = str(context.open_message_id);
      if (!operator || !messageId) return { kind: "ignored", eventType, reason: "no operator or message" };
      const chatId = str(context.open_chat_id);
      const form = formValue(action.form_value);
      return {
        kind: "event",
        eventType,
        event: {
          type: "card_action",
          platform: "feishu",
          eventId,
          messageId,
          ...(chatId ? { chatId } : {}),
          operator,
          value: actionValue(action.value),
          ...(form ? { formValue: form } : {}),
        },
      };
    }
    default:
      return { kind: "ignored", eventType, reason: "event type not handled" };
  }
}
