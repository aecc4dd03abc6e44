/**
 * Builds DingTalk callbacks exactly as documented, computing the signatures independently of the code
 * under test:
 *  - robot messages (https://open.dingtalk.com/document/isvapp/receive-message): body shaped like the
 *    page's sample; headers `timestamp` (ms) and `sign` = Base64(HmacSHA256(appSecret,
 *    timestamp + "\n" + appSecret));
 *  - card clicks (https://open.dingtalk.com/document/development/event-callback-card): body
 *    {type: "actionCallback", outTrackId, corpId, userId, content: JSON string}; headers
 *    `x-ddpaas-signature-timestamp` and `x-ddpaas-signature` = Base64(HmacSHA256(apiSecret, timestamp)).
 */
import { createHmac } from "node:crypto";

type Json = Record<string, any>;

export interface BuiltRequest {
  body: string;
  headers: Record<string, string>;
}

export const signRobot = (timestamp: string, appSecret: string) =>
  createHmac("sha256", appSecret).update(`${timestamp}\n${appSecret}`).digest("base64");

export const signCardCallback = (timestamp: string, apiSecret: string) =>
  createHmac("sha256", apiSecret).update(timestamp).digest("base64");

let seq = 0;
const nextId = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(++seq).toString(36).padStart(4, "0")}`;

/** The documented sample body, for one member's message in a group (with @) or one-to-one. */
export function robotMessageBody(input: {
  staffId: string;
  text: string;
  conversationId: string;
  conversationType?: "1" | "2";
  conversationTitle?: string;
  atBot?: boolean;
  msgId?: string;
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  now?: number;
}): Json {
  const now = input.now ?? Date.now();
  const group = (input.conversationType ?? "2") === "2";
  return {
    conversationId: input.conversationId,
    atUsers: input.atBot ? [{ dingtalkId: "$:LWCP_v1:$bot" }] : [],
    chatbotCorpId: "dinge8a565xxxx",
    chatbotUserId: "$:LWCP_v1:$Cbot",
    msgId: input.msgId ?? nextId("msg"),
    senderNick: "测试成员",
    isAdmin: false,
    senderStaffId: input.staffId,
    sessionWebhookExpiredTime: input.sessionWebhookExpiredTime ?? now + 90 * 60_000,
    createAt: now,
    senderCorpId: "dinge8a565xxxx",
    conversationType: input.conversationType ?? "2",
    senderId: `$:LWCP_v1:$${input.staffId}`,
    ...(group ? { conversationTitle: input.conversationTitle ?? "第一党支部" } : {}),
    isInAtList: input.atBot ?? group,
    sessionWebhook: input.sessionWebhook ?? "https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx",
    // DingTalk removes the robot's own @name and leaves the space before the text.
    text: { content: ` ${input.text}` },
    msgtype: "text",
  };
}

export interface SignOptions {
  /** Milliseconds since the epoch; default now. */
  timestamp?: number;
  /** Replaces the computed signature (to forge one). */
  signature?: string;
  /** Sends the signature URL-encoded, as the custom-robot pages describe it. */
  urlEncode?: boolean;
  /** Leaves the signature headers out. */
  unsigned?: boolean;
}

export function buildRobotRequest(body: Json, appSecret: string, options: SignOptions = {}): BuiltRequest {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (!options.unsigned) {
    const timestamp = String(options.timestamp ?? Date.now());
    const sign = options.signature ?? signRobot(timestamp, appSecret);
    headers.timestamp = timestamp;
    headers.sign = options.urlEncode ? encodeURIComponent(sign) : sign;
  }
  return { body: JSON.stringify(body), headers };
}

/** A click on one of our template's buttons: `action` is the JSON our renderer put on it. */
export function cardCallbackBody(input: {
  outTrackId: string;
  userId: string;
  params: Json;
  actionId?: string;
  /** The Stream SDKs' form: content already parsed. */
  contentAsObject?: boolean;
}): Json {
  const content = { cardPrivateData: { actionIds: [input.actionId ?? "button"], params: input.params } };
  return {
    type: "actionCallback",
    outTrackId: input.outTrackId,
    corpId: "dingcorp",
    userId: input.userId,
    content: input.contentAsObject ? content : JSON.stringify(content),
  };
}

export function buildCardCallbackRequest(
  body: Json,
  apiSecret: string,
  options: SignOptions = {},
): BuiltRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!options.unsigned) {
    const timestamp = String(options.timestamp ?? Date.now());
    headers["x-ddpaas-signature-timestamp"] = timestamp;
    headers["x-ddpaas-signature"] = options.signature ?? signCardCallback(timestamp, apiSecret);
  }
  return { body: JSON.stringify(body), headers };
}
