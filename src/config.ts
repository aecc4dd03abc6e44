import { z } from "zod";

/** The environment as a plain record, so config stays a pure function on Node and on Workers alike. */
export type EnvRecord = Record<string, string | undefined>;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const flag = (fallback: boolean) =>
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

const url = (fallback?: string) =>
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

const envSchema = z.object({
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
  OUTBOX_APP_RATE: number(40, (n) => n > 0 && n <= 50, "应为 0–50 之间的数（每秒条数；飞书上限 50）"),
  OUTBOX_TARGET_INTERVAL_MS: number(
    1100,
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
  FEISHU_APP_ID: optionalText,
  FEISHU_APP_SECRET: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_DOMAIN: url("https://open.feishu.cn"),
  FEISHU_BOT_NAME: optionalText,
  ADMIN_CONTACT: optionalText,
});

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  domain: string;
  botName: string;
}

export interface SchedulerConfig {
  /** Messages per second per platform app, shared by all instances (Feishu allows 50; we keep 20% spare). */
  appRatePerSecond: number;
  /** Minimum gap between two messages to the same chat or person. */
  targetIntervalMs: number;
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
  /** Who users should ask when they are not in the roster (shown in replies). */
  adminContact: string;
  feishu: FeishuConfig | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Pure: the same env record always gives the same config or the same error. */
export function loadConfig(env: EnvRecord): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.FEISHU_APP_ID) !== Boolean(e.FEISHU_APP_SECRET)) {
    problems.push(
      e.FEISHU_APP_ID
        ? "FEISHU_APP_SECRET: 设置了 FEISHU_APP_ID 就必须同时设置 FEISHU_APP_SECRET"
        : "FEISHU_APP_ID: 设置了 FEISHU_APP_SECRET 就必须同时设置 FEISHU_APP_ID",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST ?? "0.0.0.0",
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
    adminContact: e.ADMIN_CONTACT ?? "机关党委办公室",
    feishu:
      e.FEISHU_APP_ID && e.FEISHU_APP_SECRET
        ? {
            appId: e.FEISHU_APP_ID,
            appSecret: e.FEISHU_APP_SECRET,
            encryptKey: e.FEISHU_ENCRYPT_KEY,
            verificationToken: e.FEISHU_VERIFICATION_TOKEN,
            domain: e.FEISHU_DOMAIN ?? "https://open.feishu.cn",
            botName: e.FEISHU_BOT_NAME ?? "支部助手",
          }
        : undefined,
  };
}

/** One line per platform, for the start-up log. */
export function describePlatforms(config: Config): string[] {
  return [
    config.feishu
      ? `飞书：已配置（应用 ${config.feishu.appId}，${config.feishu.encryptKey ? "已启用加密与签名校验" : "未设置 FEISHU_ENCRYPT_KEY，不校验签名"}）`
      : "飞书：未配置（设置 FEISHU_APP_ID 与 FEISHU_APP_SECRET 后启用）",
    "钉钉：尚未支持",
  ];
}
