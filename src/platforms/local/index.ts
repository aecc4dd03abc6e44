/**
 * The local console as a platform definition: a chat in the browser on this machine, on by default when
 * no messaging platform is configured (see config.ts for when it may run).
 */
import type { PlatformDefinition } from "../adapter.ts";
import { type LocalConfig, readLocalConfig } from "./config.ts";

export const localPlatform: PlatformDefinition<LocalConfig> = {
  name: "local",
  label: "本地体验",
  identityKind: "local_id",
  readConfig: readLocalConfig,
  loopbackByDefault: true,
  notConfigured:
    "本地体验控制台：未启用（已配置其他平台、HOST 不是本机地址或 LOCAL_CONSOLE=off；设置 LOCAL_CONSOLE=on 可启用）",
  async create(_settings, deps) {
    const { createLocalAdapter } = await import("./adapter.ts");
    return createLocalAdapter(deps.now ? { now: deps.now } : {});
  },
};
