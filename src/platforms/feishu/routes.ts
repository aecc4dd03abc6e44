/**
 * POST /feishu/events: the one request URL for both event subscriptions and card callbacks
 * (回调配置 → card.action.trigger). Verifies, answers within Feishu's 3 s, and leaves the work to
 * the event sink: messages and joins run after the answer, card clicks are answered in the response.
 */
import type { Hono } from "hono";
import type { Logger } from "../../lib/logger.ts";
import type { InboundSink } from "../adapter.ts";
import type { CardActionResponse } from "../types.ts";
import { renderCard } from "./cards.ts";
import type { FeishuConfig } from "./config.ts";
import { parseFeishuPayload } from "./parse.ts";
import { verifyFeishuRequest } from "./verify.ts";

export interface FeishuRoutesDeps {
  config: FeishuConfig;
  logger: Logger;
  now?: () => Date;
}

/** The card.action.trigger answer: toast and, optionally, the card that replaces the clicked one. */
export function feishuCardActionBody(response: CardActionResponse): Record<string, unknown> {
  return {
    ...(response.toast ? { toast: { type: response.toast.type, content: response.toast.text } } : {}),
    ...(response.card ? { card: { type: "raw", data: renderCard(response.card) } } : {}),
  };
}

export function createFeishuRoutes(deps: FeishuRoutesDeps): (app: Hono, sink: InboundSink) => void {
  const now = deps.now ?? (() => new Date());
  return (app, sink) => {
    app.post("/feishu/events", async (c) => {
      const rawBody = await c.req.text();
      const verified = verifyFeishuRequest({
        rawBody,
        headers: {
          timestamp: c.req.header("x-lark-request-timestamp"),
          nonce: c.req.header("x-lark-request-nonce"),
          signature: c.req.header("x-lark-signature"),
        },
        encryptKey: deps.config.encryptKey,
        verificationToken: deps.config.verificationToken,
        allowUnsigned: deps.config.allowUnsigned,
        now: now(),
      });
      if (!verified.ok) {
        deps.logger.warn("拒绝飞书请求", { reason: verified.reason, status: verified.status });
        return c.json({ error: verified.reason }, verified.status);
      }

      const parsed = parseFeishuPayload(verified.payload, { botName: deps.config.botName });
      if (parsed.kind === "challenge") return c.json({ challenge: parsed.challenge });
      if (parsed.kind === "ignored") {
        deps.logger.debug("忽略飞书事件", { eventType: parsed.eventType, reason: parsed.reason });
        return c.json({});
      }
      const event = parsed.event;
      if (event.type === "card_action") {
        try {
          return c.json(feishuCardActionBody(await sink.handleCardAction(event)));
        } catch (error) {
          // A toast tells the user something went wrong; a 500 would show Feishu's generic error.
          deps.logger.error("处理卡片操作出错", { error, eventId: event.eventId });
          return c.json(feishuCardActionBody({ toast: { type: "error", text: "操作失败，请稍后再试。" } }));
        }
      }
      try {
        await sink.accept(event);
      } catch (error) {
        // Not stored: Feishu delivers it again after a non-2xx answer.
        deps.logger.error("飞书事件未能保存，请飞书稍后重发", { error, eventId: event.eventId });
        return c.json({ error: "unavailable" }, 503);
      }
      return c.json({});
    });
  };
}
