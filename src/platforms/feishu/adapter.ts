/** The Feishu adapter: the official SDK's client, the /feishu/events webhook, Feishu's limits. */
import type { AdapterDeps, PlatformAdapter } from "../adapter.ts";
import { createFeishuClient } from "./client.ts";
import type { FeishuConfig } from "./config.ts";
import { FEISHU_LIMITS } from "./limits.ts";
import { createFeishuRoutes } from "./routes.ts";

export { FEISHU_LIMITS } from "./limits.ts";

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
