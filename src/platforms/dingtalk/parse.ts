/**
 * Pure: a verified DingTalk callback body → our InboundEvent. Never throws: a body we cannot read is
 * `malformed` (answer 400), one we do not act on is `ignored` (answer 200 so DingTalk stops retrying).
 *
 * Robot message body, https://open.dingtalk.com/document/isvapp/receive-message : msgtype ("目前只支持
 * text"), text.content, msgId, createAt, conversationType ("1" 单聊, "2" 群聊), conversationId,
 * conversationTitle (群聊才有), senderId (encrypted), senderStaffId (the member's userid, "使用
 * senderStaffId 作为发送者 userid"), isInAtList, atUsers[{dingtalkId, staffId}], sessionWebhook,
 * sessionWebhookExpiredTime (ms). The page types createAt as String while its sample sends a number;
 * we need neither.
 *
 * Card callback body, https://open.dingtalk.com/document/development/event-callback-card :
 * {type: "actionCallback", outTrackId, corpId, userId, content}. The page says `content` is a JSON
 * string ({"cardPrivateData":{"actionIds":[…],"params":{…}}}) while the Stream SDKs hand it over
 * parsed; both are accepted.
 */
import { createHash } from "node:crypto";
import type { ActionValue, InboundEvent, ReplyHandle } from "../types.ts";
import type { TemplateField } from "./cards.ts";

/** Chat ids of one-to-one conversations: the member's staffId behind this prefix. */
export const ONE_TO_ONE_PREFIX = "staff:";

export type MessageEvent = Extract<InboundEvent, { type: "message" }>;
export type CardActionEvent = Extract<InboundEvent, { type: "card_action" }>;

export type DingTalkParsed<E> =
  | { kind: "event"; event: E }
  | { kind: "ignored"; reason: string }
  | { kind: "malformed"; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** A raw body (string) or one already parsed; anything but a JSON object is malformed. */
function objectOf(body: unknown): Obj | string {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return "请求体不是 JSON";
    }
  }
  return isObj(value) ? value : "请求体不是 JSON 对象";
}

export interface RobotParseOptions {
  /** The robot's display name: a leftover "@名称" is removed from the text. */
  botName?: string;
}

function cleanText(raw: string, botName: string | undefined): string {
  const withoutBot = botName ? raw.split(`@${botName}`).join(" ") : raw;
  return withoutBot.replace(/\s+/g, " ").trim();
}

export function parseRobotMessage(
  body: unknown,
  options: RobotParseOptions = {},
): DingTalkParsed<MessageEvent> {
  const o = objectOf(body);
  if (typeof o === "string") return { kind: "malformed", reason: o };
  const msgId = str(o.msgId);
  const conversationId = str(o.conversationId);
  const conversationType = o.conversationType;
  if (!msgId || !conversationId || (conversationType !== "1" && conversationType !== "2")) {
    return { kind: "malformed", reason: "缺少 msgId、conversationId 或 conversationType" };
  }
  const staffId = str(o.senderStaffId);
  // Without senderStaffId the sender is outside the organisation (or the app lacks the permission).
  if (!staffId) return { kind: "ignored", reason: "no senderStaffId" };
  if (o.msgtype !== "text") return { kind: "ignored", reason: "not a text message" };
  const text = isObj(o.text) ? o.text.content : undefined;
  if (typeof text !== "string") return { kind: "malformed", reason: "text.content 不是字符串" };
  const url = str(o.sessionWebhook);
  const expiresAt = Number(o.sessionWebhookExpiredTime);
  const replyHandle: ReplyHandle | undefined =
    url && Number.isFinite(expiresAt) ? { platform: "dingtalk", url, expiresAt } : undefined;
  return {
    kind: "event",
    event: {
      type: "message",
      platform: "dingtalk",
      eventId: msgId,
      messageId: msgId,
      // A one-to-one conversation is answered by staffId (groupMessages/send takes only groups), so its
      // chat id names the person; the client reads it back (see toTarget in client.ts).
      chatId: conversationType === "2" ? conversationId : `${ONE_TO_ONE_PREFIX}${staffId}`,
      chatType: conversationType === "2" ? "group" : "p2p",
      // senderId is an encrypted per-robot id no roster holds; the documented body carries no unionId.
      sender: { id: staffId },
      text: cleanText(text, options.botName),
      mentionsBot: o.isInAtList === true,
      ...(replyHandle ? { replyHandle } : {}),
    },
  };
}

/** Our buttons send `action` as a JSON string; anything else is stringified, not trusted. */
function actionValue(v: unknown): ActionValue | undefined {
  let source = v;
  if (typeof v === "string") {
    try {
      source = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!isObj(source)) return undefined;
  const out: ActionValue = {};
  for (const [k, x] of Object.entries(source)) {
    if (x !== null && x !== undefined) out[k] = typeof x === "string" ? x : JSON.stringify(x);
  }
  return out;
}

/** Our template's submitted `form`: the fields with the user's input in default_*. */
function fieldValue(f: Partial<TemplateField>): string | string[] | undefined {
  const optionId = (n: unknown) => f.options?.find((o) => o.value === Number(n))?.id;
  switch (f.type) {
    case "TEXT":
      return typeof f.default_string === "string" ? f.default_string : undefined;
    case "SELECT":
      return f.default_number === undefined ? undefined : optionId(f.default_number);
    case "MULTI_SELECT":
      return Array.isArray(f.default_number_array)
        ? f.default_number_array.map(optionId).filter((x): x is string => x !== undefined)
        : undefined;
    default:
      return undefined;
  }
}

function formValue(params: Obj): Record<string, string | string[]> | undefined {
  const out: Record<string, string | string[]> = {};
  let form = params.form;
  if (typeof form === "string") {
    try {
      form = JSON.parse(form);
    } catch {
      form = undefined;
    }
  }
  if (Array.isArray(form)) {
    for (const f of form) {
      if (!isObj(f) || typeof f.name !== "string") continue;
      const v = fieldValue(f as Partial<TemplateField>);
      if (v !== undefined) out[f.name] = v;
    }
  }
  // A template may also bind inputs straight to named params (the official hello-world does).
  for (const [k, v] of Object.entries(params)) {
    if (k === "action" || k === "form" || k in out) continue;
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export interface CardParseOptions {
  /** `x-ddpaas-signature-timestamp`, to tell two clicks with the same content apart. */
  timestamp?: string;
}

/** DingTalk gives card clicks no id; ours hashes what identifies this delivery of this click. */
function clickId(parts: string[]): string {
  return `dtcard_${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32)}`;
}

export function parseCardCallback(
  body: unknown,
  options: CardParseOptions = {},
): DingTalkParsed<CardActionEvent> {
  const o = objectOf(body);
  if (typeof o === "string") return { kind: "malformed", reason: o };
  const outTrackId = str(o.outTrackId);
  const userId = str(o.userId);
  if (!outTrackId || !userId) return { kind: "malformed", reason: "缺少 outTrackId 或 userId" };
  if (o.type !== undefined && o.type !== "actionCallback")
    return { kind: "ignored", reason: `type ${String(o.type)}` };
  let content = o.content;
  if (typeof content === "string") {
    try {
      content = JSON.parse(content);
    } catch {
      return { kind: "malformed", reason: "content 不是 JSON" };
    }
  }
  if (!isObj(content)) return { kind: "malformed", reason: "缺少 content" };
  const privateData = isObj(content.cardPrivateData) ? content.cardPrivateData : {};
  const params = isObj(privateData.params) ? privateData.params : {};
  const value = actionValue(params.action);
  if (!value) return { kind: "ignored", reason: "no action value (not one of our buttons)" };
  const form = formValue(params);
  return {
    kind: "event",
    event: {
      type: "card_action",
      platform: "dingtalk",
      eventId: clickId([outTrackId, userId, JSON.stringify(content), options.timestamp ?? ""]),
      messageId: outTrackId,
      operator: { id: userId },
      value,
      ...(form ? { formValue: form } : {}),
    },
  };
}
