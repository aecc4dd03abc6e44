/**
 * How DingTalk reports failure, and what each failure means for the outbox (PlatformSendError).
 *
 * New-style API (api.dingtalk.com/v1.0): HTTP 4xx/5xx with {code, message, requestid}.
 * Old-style API (oapi.dingtalk.com): HTTP 200 with {errcode ≠ 0, errmsg}.
 *
 * Limits, https://open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server :
 *  - per app and API, 20 calls a second: Forbidden.AccessDenied.QpsLimitForAppkeyAndApi (old 90018);
 *  - per API across DingTalk: Forbidden.AccessDenied.QpsLimitForApi (old 90002); "sleep 1 秒" for both;
 *  - per organisation and month: Forbidden.AccessDenied.ApiCountLimitForOrg (old 90020). The copy of
 *    that page updated 2026-01-22 says 10,000 calls, the one updated 2026-05-09 says 5,000; the billing
 *    page explains both: 10,000 before 2025-11-19, 5,000 from then on
 *    (https://open.dingtalk.com/document/development/dingtalk-application-development-platform-billing-model);
 *  - per IP, 10,000 calls in 20 s: banned for 5 minutes, answered with an HTML page, no error code.
 * Published clients see the QPS codes with HTTP 403, so a 403 is not read as "permanent" by status.
 *
 * Quota exhausted is handed back as retryable with retryAfterMs up to the next month (Beijing time):
 * the scheduler then holds every DingTalk send until the quota resets without spending attempts, and
 * rows that have gone stale by then expire instead of going out late.
 *
 * Invalid or expired token: {code: "InvalidAuthentication", message: "不合法的access_token"}, seen with
 * HTTP 400 and 401 in published clients; old API errcode 40014 (不合法的access_token), 42001 (过期).
 */
import { PlatformSendError } from "../types.ts";

export interface DingTalkFailure {
  status?: number;
  code?: string | number;
  message: string;
  retryAfterMs?: number;
  /** No answer: connection refused or reset. */
  network?: boolean;
  timeout?: boolean;
  /** The IP-ban page (HTML, or {status: 1111, punish: "deny"}). */
  ipBanned?: boolean;
}

export type FailureKind = "auth" | "throttled" | "quota" | "ip_banned" | "retryable" | "permanent";

export const THROTTLE_CODES = new Set<string | number>([
  "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
  "Forbidden.AccessDenied.QpsLimitForApi",
  90018,
  90002,
]);
export const QUOTA_CODES = new Set<string | number>(["Forbidden.AccessDenied.ApiCountLimitForOrg", 90020]);
const AUTH_CODES = new Set<string | number>(["InvalidAuthentication", 40014, 42001]);
/** Answered with HTTP 500 but not a passing fault (register: "回调 RouteKey 已存在"). */
const PERMANENT_CODES = new Set<string | number>(["param.callbackRouteKeyExist"]);
const RETRYABLE_CODES = new Set<string | number>(["system.busy", -1]);

export const THROTTLE_WAIT_MS = 1000;
export const IP_BAN_WAIT_MS = 5 * 60 * 1000;

export function classify(f: DingTalkFailure): FailureKind {
  if (f.ipBanned) return "ip_banned";
  if (f.code !== undefined && QUOTA_CODES.has(f.code)) return "quota";
  if (f.status === 429 || (f.code !== undefined && THROTTLE_CODES.has(f.code))) return "throttled";
  if ((f.code !== undefined && AUTH_CODES.has(f.code)) || f.status === 401) return "auth";
  if (f.code !== undefined && PERMANENT_CODES.has(f.code)) return "permanent";
  if (f.network || f.timeout || (f.code !== undefined && RETRYABLE_CODES.has(f.code))) return "retryable";
  if ((f.status ?? 0) >= 500) return "retryable";
  return "permanent";
}

/** 00:00 on the 1st of the next month in Beijing time (UTC+8, no daylight saving). */
export function nextMonthStart(now: Date): Date {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() + 1, 1) - 8 * 3600_000);
}

export function retryAfterFor(kind: FailureKind, f: DingTalkFailure, now: Date): number | undefined {
  switch (kind) {
    case "throttled":
      return f.retryAfterMs ?? THROTTLE_WAIT_MS;
    case "ip_banned":
      return f.retryAfterMs ?? IP_BAN_WAIT_MS;
    case "quota":
      return nextMonthStart(now).getTime() - now.getTime();
    default:
      return undefined;
  }
}

const REASONS: Record<FailureKind, string> = {
  auth: "访问凭证无效",
  throttled: "接口限流",
  quota: "本月接口调用次数已用完，下月 1 日恢复",
  ip_banned: "出口 IP 调用过于频繁，被钉钉暂停 5 分钟",
  retryable: "暂时失败",
  permanent: "调用失败",
};

export function toSendError(what: string, f: DingTalkFailure, now: Date): PlatformSendError {
  const kind = classify(f);
  const retryAfterMs = retryAfterFor(kind, f, now);
  const where = f.timeout
    ? "请求超时"
    : f.code !== undefined
      ? `错误码 ${f.code}`
      : f.status !== undefined
        ? `HTTP ${f.status}`
        : "无响应";
  return new PlatformSendError(
    `钉钉${what}失败（${REASONS[kind]}，${where}）：${f.message}`,
    kind !== "permanent" && kind !== "auth",
    {
      ...(f.code !== undefined ? { code: f.code } : {}),
      ...(f.status !== undefined ? { status: f.status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  );
}
