import { z } from "zod";
import { type EnvRecord, flag, optionalText, readEnv } from "./config-env.ts";
import { type LiaisonSettings, readLiaisonSettings } from "./domain/liaison-settings.ts";
import { PLATFORMS } from "./platforms/index.ts";
import type { PlatformName } from "./platforms/types.ts";

export type { EnvRecord } from "./config-env.ts";

const port = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return 8787;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      ctx.addIssue({ code: "custom", message: "应为 0–65535 之间的整数" });
      return z.NEVER;
    }
    return n;
  });

const timezone = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    const tz = v || "Asia/Shanghai";
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
    } catch {
      ctx.addIssue({ code: "custom", message: `不是有效的 IANA 时区：${tz}` });
      return z.NEVER;
    }
    return tz;
  });

const databaseUrl = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    if (!/^postgres(ql)?:\/\//.test(v)) {
      ctx.addIssue({ code: "custom", message: "应以 postgres:// 或 postgresql:// 开头" });
      return z.NEVER;
    }
    return v;
  });

const number = (fallback: number, check: (n: number) => boolean, rule: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: "custom", message: rule });
        return z.NEVER;
      }
      return n;
    });

const optionalNumber = (check: (n: number) => boolean, rule: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: "custom", message: rule });
        return z.NEVER;
      }
      return n;
    });

const leadMinutes = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return [60];
    const list = v.split(",").map((x) => Number(x.trim()));
    if (list.some((n) => !Number.isInteger(n) || n < 0 || n > 60 * 24 * 30)) {
      ctx.addIssue({ code: "custom", message: "应为逗号分隔的分钟数（0–43200），例如 1440,60,0" });
      return z.NEVER;
    }
    return [...new Set(list)].sort((a, b) => b - a);
  });

const clockTime = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return "09:00";
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
    if (!m) {
      ctx.addIssue({ code: "custom", message: "应为 HH:MM，例如 09:00" });
      return z.NEVER;
    }
    return `${m[1]?.padStart(2, "0")}:${m[2]}`;
  });

const envShape = {
  PORT: port,
  HOST: optionalText,
  DATA_DIR: optionalText,
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: number(4, (n) => Number.isInteger(n) && n >= 1 && n <= 100, "应为 1–100 之间的整数"),
  ZHIBU_TIMEZONE: timezone,
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error", "silent"])
    .optional()
    .transform((v) => v ?? "info"),
  SCHEDULER_ENABLED: flag(true),
  OUTBOX_APP_RATE: optionalNumber((n) => n > 0 && n <= 1000, "应为大于 0 的数（每秒条数，不超过平台上限）"),
  OUTBOX_TARGET_INTERVAL_MS: optionalNumber(
    (n) => Number.isInteger(n) && n >= 1000 && n <= 60_000,
    "应为 1000–60000 之间的整数（毫秒；同一会话每秒至多 1 条）",
  ),
  OUTBOX_MAX_ATTEMPTS: number(8, (n) => Number.isInteger(n) && n >= 1 && n <= 50, "应为 1–50 之间的整数"),
  OUTBOX_LEASE_SECONDS: number(
    120,
    (n) => Number.isInteger(n) && n >= 10 && n <= 3600,
    "应为 10–3600 之间的整数（秒）",
  ),
  REMINDER_LEAD_MINUTES: leadMinutes,
  REMINDER_DAY_BEFORE_AT: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return "16:00";
      if (["off", "none", "false", "关闭"].includes(v.toLowerCase())) return undefined;
      const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
      if (!m) {
        ctx.addIssue({ code: "custom", message: "应为 HH:MM（如 16:00），或 off 表示不在会前一天提醒" });
        return z.NEVER;
      }
      return `${m[1]?.padStart(2, "0")}:${m[2]}`;
    }),
  WORKDAY_REMINDER_TIME: clockTime,
  SIGN_IN_LEAD_MINUTES: number(
    15,
    (n) => Number.isInteger(n) && n >= 0 && n <= 240,
    "应为 0–240 之间的整数（分钟）",
  ),
  MEETING_DEFAULT_MINUTES: number(
    90,
    (n) => Number.isInteger(n) && n >= 10 && n <= 600,
    "应为 10–600 之间的整数（分钟）",
  ),
  STUDY_OVERDUE_DAYS: number(
    7,
    (n) => Number.isInteger(n) && n >= 1 && n <= 90,
    "应为 1–90 之间的整数（天）",
  ),
  STATUS_DIGEST: flag(true),
  STATUS_DIGEST_TIME: clockTime,
  STATUS_TERM_REMINDERS: flag(true),
  ADMIN_CONTACT: optionalText,
  MAX_BODY_BYTES: number(
    1_048_576,
    (n) => Number.isInteger(n) && n >= 1024 && n <= 67_108_864,
    "应为 1024–67108864 之间的整数（字节；默认 1048576，即 1 MB）",
  ),
};

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface SchedulerConfig {
  /**
   * Messages per second per platform app, shared by all instances; by default 80% of what each
   * platform allows (its adapter's limits), never more than that.
   */
  appRatePerSecond: number | undefined;
  /** Minimum gap between two messages to the same chat or person; by default the platform's. */
  targetIntervalMs: number | undefined;
  /** Sends tried before a row is parked as failed. */
  maxAttempts: number;
  /** How long a claimed row stays with its sender before another instance may take it over. */
  leaseMs: number;
  /** Meeting reminders, in minutes before the start (0: "starting now"). */
  meetingLeadMinutes: number[];
  /** One more reminder at this local time on the day before the meeting; undefined for none. */
  meetingDayBeforeAt: string | undefined;
  /** Local time at which reminders moved off a day off go out on the next working day. */
  workdayTime: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Connections per process; few connections pipeline better than many on a small machine. */
  databasePoolMax: number;
  timezone: string;
  logLevel: LogLevel;
  schedulerEnabled: boolean;
  scheduler: SchedulerConfig;
  meetings: {
    /** The sign-in card is posted this many minutes before the start. */
    signInLeadMinutes: number;
    /** Length of a meeting scheduled with only its start time. */
    defaultMinutes: number;
  };
  study: {
    /** Days after which an unstudied item, or an unrecorded meeting, makes a branch overdue. */
    overdueDays: number;
  };
  /** 联系点: card day and time, report month, nudges, the yearly 调研 rule, overdue problems (LIAISON_*). */
  liaison: LiaisonSettings;
  status: {
    /** The monthly digest (机关情况 to the 机关党委, 支部情况 to each branch chat) on the month's first working day. */
    digestEnabled: boolean;
    /** Local HH:MM it goes out. */
    digestTime: string;
    /** 换届 reminders to the 书记 and the 机关党委 before a committee's term ends. */
    termReminders: boolean;
  };
  /** Who users should ask when they are not in the roster (shown in replies). */
  adminContact: string;
  /** Largest request body the HTTP app reads; larger ones are refused with 413 before being read. */
  maxBodyBytes: number;
  /** Each configured platform's own settings, read by its definition (src/platforms/<name>/config.ts). */
  platforms: Partial<Record<PlatformName, unknown>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Pure: the same env record always gives the same config or the same error. */
export function loadConfig(env: EnvRecord): Config {
  const read = readEnv(envShape, env);
  const problems = read.ok ? [] : [...read.problems];
  const liaison = readLiaisonSettings(env);
  if (!liaison.ok) problems.push(...liaison.problems);
  const platforms: Partial<Record<PlatformName, unknown>> = {};
  for (const platform of PLATFORMS) {
    const own = platform.readConfig(env, Object.keys(platforms) as PlatformName[]);
    problems.push(...own.problems);
    if (own.settings !== undefined) platforms[platform.name] = own.settings;
  }
  if (!read.ok || !liaison.ok || problems.length > 0) throw new ConfigError(problems);
  const e = read.value;

  return {
    port: e.PORT,
    // A console that lets anyone act as any member listens on this machine alone unless HOST says otherwise.
    host: e.HOST ?? (onlyLoopbackPlatforms(platforms) ? "127.0.0.1" : "0.0.0.0"),
    dataDir: e.DATA_DIR ?? "./data",
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    timezone: e.ZHIBU_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    schedulerEnabled: e.SCHEDULER_ENABLED,
    scheduler: {
      appRatePerSecond: e.OUTBOX_APP_RATE,
      targetIntervalMs: e.OUTBOX_TARGET_INTERVAL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      leaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
      meetingLeadMinutes: e.REMINDER_LEAD_MINUTES,
      meetingDayBeforeAt: e.REMINDER_DAY_BEFORE_AT,
      workdayTime: e.WORKDAY_REMINDER_TIME,
    },
    meetings: { signInLeadMinutes: e.SIGN_IN_LEAD_MINUTES, defaultMinutes: e.MEETING_DEFAULT_MINUTES },
    study: { overdueDays: e.STUDY_OVERDUE_DAYS },
    liaison: liaison.settings,
    status: {
      digestEnabled: e.STATUS_DIGEST,
      digestTime: e.STATUS_DIGEST_TIME,
      termReminders: e.STATUS_TERM_REMINDERS,
    },
    adminContact: e.ADMIN_CONTACT ?? "机关党委办公室",
    maxBodyBytes: e.MAX_BODY_BYTES,
    platforms,
  };
}

function onlyLoopbackPlatforms(platforms: Partial<Record<PlatformName, unknown>>): boolean {
  const on = PLATFORMS.filter((p) => platforms[p.name] !== undefined);
  return on.length > 0 && on.every((p) => p.loopbackByDefault);
}

/** The platforms this config enables. */
export function configuredPlatforms(config: Config): PlatformName[] {
  return PLATFORMS.filter((p) => config.platforms[p.name] !== undefined).map((p) => p.name);
}

/** The start-up lines for the platforms that are not configured: which variables would enable them. */
export function describeUnconfiguredPlatforms(config: Config): string[] {
  return PLATFORMS.filter((p) => config.platforms[p.name] === undefined).map((p) => p.notConfigured);
}

/** Monthly API quotas of the configured platforms that have one (DingTalk), for `outbox stats`. */
export function platformQuotas(config: Config): Partial<Record<PlatformName, number>> {
  const quotas: Partial<Record<PlatformName, number>> = {};
  for (const p of PLATFORMS) {
    const settings = config.platforms[p.name];
    const quota = settings === undefined ? undefined : p.monthlyQuota?.(settings);
    if (quota !== undefined) quotas[p.name] = quota;
  }
  return quotas;
}
