import type { PlatformLimits } from "../adapter.ts";
import { MAX_CARD_BYTES } from "./cards.ts";

/**
 * DingTalk's limits as the outbox and the live cards use them. The standard edition allows 20 calls a
 * second per app and API (https://open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server),
 * but the binding limit is the monthly quota (5,000 calls since 2025-11-19), so live sign-in counts are
 * patched at most once every 2 s per card (Feishu: four times a second): the clicker sees the new state from the callback's answer,
 * the others a little later. One message every 3 s to one group keeps to the robots' 20 a minute.
 */
export const DINGTALK_LIMITS: PlatformLimits = {
  messagesPerSecond: 20,
  targetIntervalMs: 3000,
  cardUpdatesPerSecond: 0.5,
  liveCardCallsPerSecond: 2,
  maxCardBytes: MAX_CARD_BYTES,
  // "需要在 2 秒内响应" (event-callback-card): the click's answer carries the clicker's new card.
  cardAnswerMs: 2000,
};
