/** Feishu/Lark as a platform definition; its SDK loads only when Feishu is configured. */
import type { PlatformDefinition } from "../adapter.ts";
import { type FeishuConfig, readFeishuConfig } from "./config.ts";

export const feishuPlatform: PlatformDefinition<FeishuConfig> = {
  name: "feishu",
  label: "飞书",
  identityKind: "open_id",
  readConfig: readFeishuConfig,
  async directory(settings, deps) {
    const { createFeishuContactDirectory } = await import("./directory.ts");
    return createFeishuContactDirectory(settings, deps);
  },
  notConfigured: "飞书：未配置（设置 FEISHU_APP_ID 与 FEISHU_APP_SECRET 后启用）",
  async create(settings, deps) {
    const { createFeishuAdapter } = await import("./adapter.ts");
    return createFeishuAdapter(settings, deps);
  },
};
