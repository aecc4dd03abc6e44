/**
 * The environment as a plain record, and the zod readers every part of the config shares (the core in
 * src/config.ts, each platform in its own folder), so config stays a pure function on Node and Workers.
 */
import { z } from "zod";

export type EnvRecord = Record<string, string | undefined>;

export const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

export const url = (fallback?: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const value = v || fallback;
      if (!value) return undefined;
      try {
        new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `不是有效的 URL：${value}` });
        return z.NEVER;
      }
      return value.replace(/\/+$/, "");
    });

export const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: "应为 true 或 false" });
      return z.NEVER;
    });

/** Runs a schema over the env; problems come back as "VARIABLE: 说明" lines. */
export function readEnv<T extends z.ZodRawShape>(
  shape: T,
  env: EnvRecord,
): { ok: true; value: z.infer<z.ZodObject<T>> } | { ok: false; problems: string[] } {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
}
