/** The Feishu adapter: the official SDK's client, the /feishu/events webhook, Feishu's limits. */
import type { AdapterDeps, PlatformAdapter, PlatformLimits } from "../adapter.ts";
import { createFeishuClient } from "./client.ts";
import type { FeishuConfig } from "./config.ts";
import { createFeishuRoutes } from "./routes.ts";

/**
 * Feishu's published limits: 50 API calls a second per app, 5 messages a second to one chat or person
 * (we keep to one a second, so a burst to one branch never trips it), 5 updates a second to one card,
 * and cards of at most 30 KB.
 */
export const FEISHU_LIMITS: PlatformLimits = {
  messagesPerSecond: 50,
  targetIntervalMs: 1100,
  cardUpdatesPerSecond: 4,
  liveCardCallsPerSecond: 20,
  maxCardBytes: 30_000,
};

export function createFeishuAdapter(
  config: FeishuConfig,
  deps: AdapterDeps & { client?: PlatformAdapter["client"] },
): PlatformAdapter {
  const client = deps.client ?? createFeishuClient(config, { logger: deps.logger });
  const routes = createFeishuRoutes({ config, logger: deps.logger });
  return {
    name: "feishu",
    label: "飞书",
    identityKind: "open_id",
    botName: config.botName,
    limits: FEISHU_LIMITS,
    client,
    receiver: { routes },
    describe: () =>
      config.encryptKey
        ? `飞书：已配置（应用 ${config.appId}，已启用加密与签名校验）`
        : `飞书：已配置（应用 ${config.appId}）——警告：FEISHU_ALLOW_UNSIGNED=true，不校验请求签名，任何人都能伪造事件，只可用于本机开发！`,
  };
}
