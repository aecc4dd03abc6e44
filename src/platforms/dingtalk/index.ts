/** DingTalk as a platform definition; its client loads only when DingTalk is configured. */
import type { PlatformDefinition } from "../adapter.ts";
import { type DingTalkSettings, readDingTalkConfig } from "./settings.ts";

export const dingtalkPlatform: PlatformDefinition<DingTalkSettings> = {
  name: "dingtalk",
  label: "钉钉",
  identityKind: "staff_id",
  readConfig: readDingTalkConfig,
  monthlyQuota: (settings) => settings.monthlyQuota,
  async directory(settings) {
    const { createDingTalkContactDirectory } = await import("./directory.ts");
    return createDingTalkContactDirectory(settings);
  },
  notConfigured:
    "钉钉：未配置（设置 DINGTALK_APP_KEY、DINGTALK_APP_SECRET、DINGTALK_CARD_TEMPLATE_ID 与 DINGTALK_CARD_CALLBACK_SECRET 后启用）",
  async create(settings, deps) {
    const { createDingTalkAdapter } = await import("./adapter.ts");
    return createDingTalkAdapter(settings, deps);
  },
};
