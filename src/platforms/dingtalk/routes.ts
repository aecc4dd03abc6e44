/**
 * DingTalk's two webhooks (HTTP mode):
 *  - POST /dingtalk/robot: group @-messages and one-to-one messages to the robot (开发者后台 → 机器人 →
 *    消息接收模式 HTTP → 消息接收地址). Signed with the app secret; stored in the durable inbox before
 *    the 200, so a message DingTalk hears back about is never lost; a redelivered msgId is recognised
 *    by the inbox.
 *  - POST /dingtalk/card: card clicks (registered with /v1.0/card/callbacks/register). Signed with the
 *    callback secret; answered with the card's new variables, which DingTalk shows the clicker at once.
 * Stream mode (a WebSocket the adapter keeps open) would hand the same parsed events to the same sink
 * through PlatformReceiver.start; only these routes exist now.
 */
import type { Hono } from "hono";
import type { Logger } from "../../lib/logger.ts";
import type { InboundSink } from "../adapter.ts";
import { cardCallbackAnswer } from "./cards.ts";
import { parseCardCallback, parseRobotMessage } from "./parse.ts";
import type { DingTalkSettings } from "./settings.ts";
import { verifyCardCallback, verifyRobotRequest } from "./verify.ts";

export const ROBOT_PATH = "/dingtalk/robot";
export const CARD_CALLBACK_PATH = "/dingtalk/card";

export interface DingTalkRoutesDeps {
  settings: DingTalkSettings;
  logger: Logger;
  /** Wall time for signatures (never the business clock). */
  wallClock?: () => Date;
}

export function createDingTalkRoutes(deps: DingTalkRoutesDeps): (app: Hono, sink: InboundSink) => void {
  const wall = deps.wallClock ?? (() => new Date());
  const { settings, logger } = deps;
  return (app, sink) => {
    app.post(ROBOT_PATH, async (c) => {
      const verified = verifyRobotRequest({
        headers: { timestamp: c.req.header("timestamp"), sign: c.req.header("sign") },
        appSecret: settings.appSecret,
        now: wall(),
      });
      if (!verified.ok) {
        logger.warn("拒绝钉钉机器人请求", { reason: verified.reason });
        return c.json({ error: verified.reason }, verified.status);
      }
      const parsed = parseRobotMessage(await c.req.text(), { botName: settings.botName });
      if (parsed.kind === "malformed") {
        logger.warn("钉钉机器人消息无法解析", { reason: parsed.reason });
        return c.json({ error: parsed.reason }, 400);
      }
      if (parsed.kind === "ignored") {
        logger.debug("忽略钉钉机器人消息", { reason: parsed.reason });
        return c.json({});
      }
      try {
        await sink.accept(parsed.event);
      } catch (error) {
        // Not stored: a non-2xx answer makes DingTalk deliver it again.
        logger.error("钉钉消息未能保存，请钉钉稍后重发", { error, msgId: parsed.event.eventId });
        return c.json({ error: "unavailable" }, 503);
      }
      // An empty answer: replies go through the outbox (session webhook or OpenAPI), never in the body.
      return c.json({});
    });

    app.post(CARD_CALLBACK_PATH, async (c) => {
      const timestamp = c.req.header("x-ddpaas-signature-timestamp");
      const verified = verifyCardCallback({
        headers: { timestamp, signature: c.req.header("x-ddpaas-signature") },
        apiSecret: settings.cardCallbackSecret,
        now: wall(),
      });
      if (!verified.ok) {
        logger.warn("拒绝钉钉卡片回调", { reason: verified.reason });
        return c.json({ error: verified.reason }, verified.status);
      }
      const parsed = parseCardCallback(await c.req.text(), timestamp ? { timestamp } : {});
      if (parsed.kind === "malformed") {
        logger.warn("钉钉卡片回调无法解析", { reason: parsed.reason });
        return c.json({ error: parsed.reason }, 400);
      }
      if (parsed.kind === "ignored") {
        logger.debug("忽略钉钉卡片回调", { reason: parsed.reason });
        return c.json({});
      }
      try {
        return c.json(cardCallbackAnswer(await sink.handleCardAction(parsed.event)));
      } catch (error) {
        logger.error("处理钉钉卡片操作出错", { error, eventId: parsed.event.eventId });
        return c.json(cardCallbackAnswer({ toast: { type: "error", text: "操作失败，请稍后再试。" } }));
      }
    });
  };
}
