import type { PlatformLimits } from "../adapter.ts";

/**
 * Feishu's published limits: 50 API calls a second per app, 5 messages a second to one chat or person
 * (we keep to one a second, so a burst to one branch never trips it), 5 updates a second to one card,
 * and cards of at most 30 KB (we keep under 30,000 bytes of JSON).
 */
export const FEISHU_LIMITS: PlatformLimits = {
  messagesPerSecond: 50,
  targetIntervalMs: 1100,
  cardUpdatesPerSecond: 4,
  liveCardCallsPerSecond: 20,
  maxCardBytes: 30_000,
};
