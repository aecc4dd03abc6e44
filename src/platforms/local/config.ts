/** LOCAL_CONSOLE (on | off | unset) and HOST → whether the local console runs. Pure. */
import { z } from "zod";
import { type EnvRecord, optionalText, readEnv } from "../../config-env.ts";
import type { PlatformName } from "../types.ts";

export interface LocalConfig {
  /** LOCAL_CONSOLE=on was set (not merely the default of a machine without a platform). */
  explicit: boolean;
}

const shape = {
  LOCAL_CONSOLE: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "" || v === "auto") return "auto" as const;
      if (["1", "true", "yes", "on"].includes(v)) return "on" as const;
      if (["0", "false", "no", "off"].includes(v)) return "off" as const;
      ctx.addIssue({ code: "custom", message: "应为 on、off 或不设置（未配置任何平台时自动开启）" });
      return z.NEVER;
    }),
  HOST: optionalText,
};

/** Loopback addresses: only this machine reaches a server listening there. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * On by default only where nothing else is configured, and then only while the server listens on this
 * machine alone: a console that lets anyone act as any member must never appear on a public address by
 * accident. LOCAL_CONSOLE=on is the explicit choice for a trusted network or alongside real platforms.
 */
export function readLocalConfig(
  env: EnvRecord,
  others: readonly PlatformName[] = [],
): { settings?: LocalConfig; problems: string[] } {
  const read = readEnv(shape, env);
  if (!read.ok) return { problems: read.problems };
  const { LOCAL_CONSOLE: mode, HOST: host } = read.value;
  if (mode === "on") return { settings: { explicit: true }, problems: [] };
  if (mode === "off" || others.length > 0) return { problems: [] };
  if (host !== undefined && !isLoopbackHost(host)) return { problems: [] };
  return { settings: { explicit: false }, problems: [] };
}
