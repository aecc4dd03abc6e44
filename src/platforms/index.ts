/**
 * Every platform zhibu can speak. Adding one is a folder under src/platforms/ exporting a
 * PlatformDefinition, plus one line here.
 */
import type { PlatformDefinition } from "./adapter.ts";
import { dingtalkPlatform } from "./dingtalk/index.ts";
import { feishuPlatform } from "./feishu/index.ts";
import { localPlatform } from "./local/index.ts";

export const PLATFORMS: readonly PlatformDefinition[] = [
  feishuPlatform,
  dingtalkPlatform,
  // Last: it steps aside when a platform above is configured.
  localPlatform,
];
