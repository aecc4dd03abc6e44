/** The DingTalk adapter: the thin fetch client, the robot and card-callback webhooks, DingTalk's limits. */
import type { AdapterDeps, PlatformAdapter } from "../adapter.ts";
import { createDingTalkClient, type DingTalkClient, type DingTalkClientOptions } from "./client.ts";
import { DINGTALK_LIMITS } from "./limits.ts";
import { createDingTalkRoutes } from "./routes.ts";
import type { DingTalkSettings } from "./settings.ts";

export { DINGTALK_LIMITS } from "./limits.ts";

export function createDingTalkAdapter(
  settings: DingTalkSettings,
  deps: AdapterDeps & { client?: DingTalkClient; clientOptions?: DingTalkClientOptions },
): PlatformAdapter {
  const usage = deps.apiUsage;
  const client =
    deps.client ??
    createDingTalkClient(settings, {
      logger: deps.logger,
      // Quota is counted by the calendar month DingTalk bills, so on wall time.
      ...(usage
        ? {
            onApiCall: (_endpoint, info) => {
              if (info.countsTowardQuota) usage.record("dingtalk", new Date());
            },
          }
        : {}),
      ...deps.clientOptions,
    });
  return {
    name: "dingtalk",
    label: "钉钉",
    identityKind: "staff_id",
    botName: settings.botName,
    limits: DINGTALK_LIMITS,
    client,
    receiver: { routes: createDingTalkRoutes({ settings, logger: deps.logger }) },
    describe: () =>
      `钉钉：已配置（应用 ${settings.appKey}，机器人与卡片回调均校验签名；每月接口额度 ${settings.monthlyQuota} 次）`,
  };
}
