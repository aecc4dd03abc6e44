/**
 * DingTalk's PlatformClient: a thin typed fetch client (the official SDK is ~50 MB unpacked).
 *
 *  - Robot messages: POST /v1.0/robot/groupMessages/send {robotCode, openConversationId, msgKey,
 *    msgParam} and POST /v1.0/robot/oToMessages/batchSend {robotCode, userIds, msgKey, msgParam} →
 *    {processQueryKey, invalidStaffIdList, flowControlledStaffIdList}; msgKey sampleText {content} or
 *    sampleMarkdown {title, text}, msgParam a JSON string of at most 15,000 bytes; batchSend takes "每次
 *    最多传20个" users (https://open.dingtalk.com/document/orgapp/the-robot-sends-a-group-message,
 *    https://open.dingtalk.com/document/orgapp/chatbots-send-one-on-one-chat-messages-in-batches, read
 *    in their help.dingtalk.io copies). Robot messages have no dedup token: a retry after a timeout may
 *    post twice, unlike cards.
 *  - Replies: POST {msgtype, text|markdown} to the message's sessionWebhook while it is valid; on
 *    refusal the OpenAPI is used instead.
 *  - Cards: POST /v1.0/card/instances/createAndDeliver and PUT /v1.0/card/instances
 *    (https://open.dingtalk.com/document/development/create-and-deliver-cards,
 *    https://open.dingtalk.com/document/development/interactive-card-update-interface).
 *    outTrackId is derived from our idempotency key. "一个 outTrackId 唯一标识一张卡片…否则更改不会
 *    生效" says a repeat is ignored, while the error table lists param.cardAlreadyExist: both mean
 *    "already posted" to us.
 *  - openSpaceId: `dtv1.card//IM_GROUP.{openConversationId}` or `dtv1.card//IM_ROBOT.{userId}`; the
 *    page's table spells the space types in capitals, its sample in lower case; we send capitals.
 */
import { createHash } from "node:crypto";
import {
  type CardView,
  type MessageTarget,
  type OutboundMessage,
  type PlatformClient,
  PlatformSendError,
  type PrivateBatchOutcome,
  type PrivateBatchSender,
  type ReplyHandle,
  type SendOptions,
  type SendResult,
} from "../types.ts";
import { createDingTalkApi, type DingTalkApiOptions, type Json } from "./api.ts";
import { type CardParamMap, renderCard } from "./cards.ts";
import type { DingTalkConfig } from "./config.ts";
import { toSendError } from "./errors.ts";
import { callDingTalk } from "./http.ts";
import { ONE_TO_ONE_PREFIX } from "./parse.ts";

/** A reply to a one-to-one conversation goes to the person (parse.ts names such chats by staffId). */
function toTarget(target: MessageTarget): MessageTarget {
  return target.type === "chat" && target.id.startsWith(ONE_TO_ONE_PREFIX)
    ? { type: "user", id: target.id.slice(ONE_TO_ONE_PREFIX.length) }
    : target;
}

export const BATCH_MAX = 20;
/** A user DingTalk throttled inside a batch ("推送频繁，被限流的用户") is tried again after this. */
export const FLOW_CONTROL_RETRY_MS = 60_000;

export type RobotMessage =
  | { msgKey: "sampleText"; content: string }
  | { msgKey: "sampleMarkdown"; title: string; text: string };

export interface BatchSendResult {
  processQueryKeys: string[];
  /** Each member a call went out for, with that call's processQueryKey (invalid and throttled ones too). */
  keyOf: Map<string, string>;
  /** Not a member DingTalk knows: permanent. */
  invalidUserIds: string[];
  /** Throttled by DingTalk for now: send again later. */
  flowControlledUserIds: string[];
  /**
   * Members not sent to because a call failed (that call's users and every later one): the earlier
   * calls did go out, so only these may be retried — retrying the whole list would post twice.
   */
  unsent?: { userIds: string[]; error: PlatformSendError };
}

export interface DingTalkSendOptions extends SendOptions {
  /** The inbound message's sessionWebhook: text replies go through it while it is valid. */
  replyHandle?: ReplyHandle;
}

export interface RobotSendOptions {
  replyHandle?: ReplyHandle;
  idempotencyKey?: string;
}

export interface DingTalkClientOptions extends DingTalkApiOptions {
  /** A session webhook this close to expiry is not used (default 60 s). */
  webhookMarginMs?: number;
}

export interface DingTalkClient extends PlatformClient {
  readonly platform: "dingtalk";
  /** Plain-text private messages, BATCH_MAX members per batchSend call. */
  readonly privateBatch: PrivateBatchSender;
  send(target: MessageTarget, message: OutboundMessage, options: DingTalkSendOptions): Promise<SendResult>;
  sendRobotMessage(
    target: MessageTarget,
    message: RobotMessage,
    options?: RobotSendOptions,
  ): Promise<SendResult>;
  /** One private message to many members, BATCH_MAX per call; a failed call ends the run (see `unsent`). */
  batchSend(userIds: string[], message: RobotMessage): Promise<BatchSendResult>;
  /** Updates only the given template variables (updateCardDataByKey). */
  updateCardData(outTrackId: string, params: CardParamMap): Promise<void>;
  /** Registers our card callback URL under config.cardCallbackRouteKey with config.cardCallbackSecret. */
  registerCardCallback(
    callbackUrl: string,
    options?: { forceUpdate?: boolean },
  ): Promise<CallbackRegistration>;
}

/**
 * What DingTalk holds for our route key after registering. Without forceUpdate an existing
 * registration is kept and returned ("存在则结果返回上次注册信息"), so `current` may differ from what we
 * asked for: the admin then re-registers with forceUpdate.
 */
export interface CallbackRegistration {
  callbackUrl: string | undefined;
  /** The registration now in force is ours: same URL and same apiSecret. */
  current: boolean;
}

/** outTrackId for an idempotency key: the same key always names the same card. */
export function dingtalkOutTrackId(idempotencyKey: string): string {
  return `zhibu_${createHash("sha256").update(`zhibu:${idempotencyKey}`).digest("hex").slice(0, 40)}`;
}

/** The groupMessages page caps msgParam at 15,000 bytes; longer texts are cut and say so. */
export const MAX_MSG_PARAM_BYTES = 15_000;
const encoder = new TextEncoder();

function msgParam(m: RobotMessage): string {
  const body = (text: string) =>
    JSON.stringify(m.msgKey === "sampleText" ? { content: text } : { title: m.title, text });
  const full = m.msgKey === "sampleText" ? m.content : m.text;
  if (encoder.encode(body(full)).length <= MAX_MSG_PARAM_BYTES) return body(full);
  const chars = [...full];
  const cut = (n: number) => body(`${chars.slice(0, n).join("")}…（已截断）`);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encoder.encode(cut(mid)).length <= MAX_MSG_PARAM_BYTES) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

const webhookBody = (m: RobotMessage) =>
  m.msgKey === "sampleText"
    ? { msgtype: "text", text: { content: m.content } }
    : { msgtype: "markdown", markdown: { title: m.title, text: m.text } };

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/**
 * What batchSend did for one member: sent, not a member DingTalk knows (permanent), throttled for
 * this member alone (retry later, only them), or not sent because its call failed.
 */
function outcomeOf(userId: string, r: BatchSendResult): PrivateBatchOutcome {
  if (r.unsent?.userIds.includes(userId)) return r.unsent.error;
  if (r.invalidUserIds.includes(userId)) {
    return new PlatformSendError(`钉钉发送单聊消息失败：用户 ${userId} 无效（不在本组织或已离职）`, false, {
      code: "invalidStaffId",
    });
  }
  if (r.flowControlledUserIds.includes(userId)) {
    return new PlatformSendError(`钉钉发送单聊消息失败：用户 ${userId} 被限流`, true, {
      code: "flowControlled",
      retryAfterMs: FLOW_CONTROL_RETRY_MS,
      scope: "target",
    });
  }
  const key = r.keyOf.get(userId);
  if (!key) return new PlatformSendError("钉钉发送单聊消息失败：响应中没有 processQueryKey", true);
  return { messageId: key };
}

export function createDingTalkClient(
  config: DingTalkConfig,
  options: DingTalkClientOptions = {},
): DingTalkClient {
  const api = createDingTalkApi(config, options);
  const margin = options.webhookMarginMs ?? 60_000;

  async function replyByWebhook(
    handle: ReplyHandle,
    message: RobotMessage,
    key: string,
  ): Promise<SendResult | undefined> {
    if (handle.platform !== "dingtalk" || handle.expiresAt - margin <= api.now().getTime()) return undefined;
    const answer = await callDingTalk(api.http, "robot.sessionWebhook", handle.url, {
      method: "POST",
      body: webhookBody(message),
    });
    // The webhook answers no message id; ours names the reply after its idempotency key.
    if (answer.ok)
      return { messageId: `session_${createHash("sha256").update(key).digest("hex").slice(0, 24)}` };
    // A timeout may have posted: retrying the same way is safer than posting again elsewhere.
    if (answer.failure.timeout) throw toSendError("回复消息", answer.failure, api.now());
    options.logger?.info("钉钉会话 Webhook 不可用，改用接口发送", {
      code: answer.failure.code,
      msg: answer.failure.message,
    });
    return undefined;
  }

  async function batchSend(userIds: string[], message: RobotMessage): Promise<BatchSendResult> {
    const result: BatchSendResult = {
      processQueryKeys: [],
      keyOf: new Map(),
      invalidUserIds: [],
      flowControlledUserIds: [],
    };
    for (let i = 0; i < userIds.length; i += BATCH_MAX) {
      const chunk = userIds.slice(i, i + BATCH_MAX);
      let body: Json;
      try {
        body = await api.call(
          "robot.oToMessages.batchSend",
          "批量发送单聊消息",
          "POST",
          "/v1.0/robot/oToMessages/batchSend",
          {
            robotCode: config.robotCode,
            userIds: chunk,
            msgKey: message.msgKey,
            msgParam: msgParam(message),
          },
        );
      } catch (error) {
        if (!(error instanceof PlatformSendError)) throw error;
        result.unsent = { userIds: userIds.slice(i), error };
        return result;
      }
      if (typeof body.processQueryKey === "string") {
        result.processQueryKeys.push(body.processQueryKey);
        for (const user of chunk) result.keyOf.set(user, body.processQueryKey);
      }
      result.invalidUserIds.push(...strings(body.invalidStaffIdList));
      result.flowControlledUserIds.push(...strings(body.flowControlledStaffIdList));
    }
    return result;
  }

  async function sendRobotMessage(target: MessageTarget, message: RobotMessage, opts: RobotSendOptions = {}) {
    if (opts.replyHandle) {
      const replied = await replyByWebhook(
        opts.replyHandle,
        message,
        opts.idempotencyKey ?? opts.replyHandle.url + msgParam(message),
      );
      if (replied) return replied;
    }
    if (target.type === "chat") {
      const body = await api.call(
        "robot.groupMessages.send",
        "发送群消息",
        "POST",
        "/v1.0/robot/groupMessages/send",
        {
          robotCode: config.robotCode,
          openConversationId: target.id,
          msgKey: message.msgKey,
          msgParam: msgParam(message),
        },
      );
      if (typeof body.processQueryKey !== "string")
        throw new PlatformSendError("钉钉发送群消息失败：响应中没有 processQueryKey", true);
      return { messageId: body.processQueryKey };
    }
    const outcome = outcomeOf(target.id, await batchSend([target.id], message));
    if (outcome instanceof PlatformSendError) throw outcome;
    return outcome;
  }

  // The outbox's batches: one batchSend call for up to BATCH_MAX rows with the same text. Replies stay
  // single (they go through their session webhook); cards are one instance per outTrackId.
  const privateBatch: PrivateBatchSender = {
    maxRecipients: BATCH_MAX,
    accepts: (message) => message.kind === "text" && !message.replyHandle,
    async send(userIds, message) {
      if (message.kind !== "text") throw new PlatformSendError("钉钉批量单聊只发送文本消息", false);
      if (userIds.length > BATCH_MAX || new Set(userIds).size !== userIds.length)
        throw new PlatformSendError(`钉钉批量单聊每次最多 ${BATCH_MAX} 个不同的用户`, false);
      const r = await batchSend([...userIds], { msgKey: "sampleText", content: message.text });
      // One call: if it failed, it failed for everyone, as a single send would.
      if (r.unsent && r.unsent.userIds.length === userIds.length) throw r.unsent.error;
      return new Map(userIds.map((id) => [id, outcomeOf(id, r)]));
    },
  };

  async function createCard(
    target: MessageTarget,
    card: CardView,
    idempotencyKey: string,
  ): Promise<SendResult> {
    if (!config.cardTemplateId) {
      throw new PlatformSendError("钉钉发送卡片失败：未设置 DINGTALK_CARD_TEMPLATE_ID", false);
    }
    const outTrackId = dingtalkOutTrackId(idempotencyKey);
    const rendered = renderCard(card);
    if (rendered.warnings.length)
      options.logger?.warn("钉钉卡片内容超出模板容量", { warnings: rendered.warnings });
    const space = { supportForward: false, lastMessageI18n: { ZH_CN: card.header.title } };
    const body: Json = {
      cardTemplateId: config.cardTemplateId,
      outTrackId,
      callbackType: "HTTP",
      callbackRouteKey: config.cardCallbackRouteKey,
      userIdType: 1,
      cardData: { cardParamMap: rendered.params },
      ...(target.type === "chat"
        ? {
            openSpaceId: `dtv1.card//IM_GROUP.${target.id}`,
            imGroupOpenSpaceModel: space,
            imGroupOpenDeliverModel: { robotCode: config.robotCode },
          }
        : {
            openSpaceId: `dtv1.card//IM_ROBOT.${target.id}`,
            imRobotOpenSpaceModel: space,
            imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: config.robotCode },
          }),
    };
    const r = await api.callAllowing(
      "card.createAndDeliver",
      "发送卡片",
      "POST",
      "/v1.0/card/instances/createAndDeliver",
      body,
      new Set(["param.cardAlreadyExist"]),
    );
    if ("code" in r) return { messageId: outTrackId };
    const result = (r.body.result ?? {}) as Json;
    const failed = (Array.isArray(result.deliverResults) ? result.deliverResults : []).filter(
      (d): d is Json => typeof d === "object" && d !== null && (d as Json).success === false,
    );
    if (failed.length) {
      // The card now exists: a retry would meet param.cardAlreadyExist and pass for a success, so this
      // is reported as permanent (typically the robot is not in the group, or the user left).
      throw new PlatformSendError(
        `钉钉投放卡片失败：${failed.map((d) => String(d.errorMsg ?? "未知原因")).join("；")}`,
        false,
        {
          code: "deliverFailed",
        },
      );
    }
    return { messageId: outTrackId };
  }

  async function updateCardData(outTrackId: string, params: CardParamMap): Promise<void> {
    await api.call("card.update", "更新卡片", "PUT", "/v1.0/card/instances", {
      outTrackId,
      cardData: { cardParamMap: params },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  }

  return {
    platform: "dingtalk",
    async send(to, message, sendOptions) {
      const target = toTarget(to);
      if (message.kind === "card") return createCard(target, message.card, sendOptions.idempotencyKey);
      const replyHandle = sendOptions.replyHandle ?? message.replyHandle;
      return sendRobotMessage(
        target,
        { msgKey: "sampleText", content: message.text },
        { idempotencyKey: sendOptions.idempotencyKey, ...(replyHandle ? { replyHandle } : {}) },
      );
    },
    sendRobotMessage,
    batchSend,
    privateBatch,
    async updateCard(outTrackId, card) {
      await updateCardData(outTrackId, renderCard(card).params);
    },
    updateCardData,
    async registerCardCallback(callbackUrl, opts = {}) {
      if (!config.cardCallbackSecret)
        throw new PlatformSendError("未设置 DINGTALK_CARD_CALLBACK_SECRET，无法注册卡片回调地址", false);
      const body = await api.call(
        "card.callbacks.register",
        "注册卡片回调地址",
        "POST",
        "/v1.0/card/callbacks/register",
        {
          callbackRouteKey: config.cardCallbackRouteKey,
          callbackUrl,
          apiSecret: config.cardCallbackSecret,
          forceUpdate: opts.forceUpdate ?? false,
        },
      );
      const result = (typeof body.result === "object" && body.result !== null ? body.result : {}) as Json;
      const registered = typeof result.callbackUrl === "string" ? result.callbackUrl : undefined;
      return {
        callbackUrl: registered,
        current: registered === callbackUrl && result.apiSecret === config.cardCallbackSecret,
      };
    },
  };
}
