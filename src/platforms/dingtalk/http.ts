/**
 * One HTTP call to DingTalk: a timeout on every request (AbortController), the answer read into a
 * DingTalkFailure when it is one, and every call reported to `onApiCall` so the app can keep its
 * monthly tally. Plain `fetch`, so it runs on Node and Workers alike.
 */
import type { DingTalkFailure } from "./errors.ts";
import { QUOTA_CODES, THROTTLE_CODES } from "./errors.ts";

export type DingTalkEndpoint =
  | "oauth2.accessToken"
  | "robot.groupMessages.send"
  | "robot.oToMessages.batchSend"
  | "robot.sessionWebhook"
  | "card.createAndDeliver"
  | "card.update"
  | "card.callbacks.register"
  | "oapi.gettoken"
  | "oapi.user.getbymobile";

/**
 * Not counted against the monthly quota: "获取访问凭证接口、身份验证接口、通讯录接口" including 获取企业
 * 内部应用的accessToken and 根据手机号查询用户
 * (https://open.dingtalk.com/document/development/basic-interfaces-such-as-log-off-and-address-book).
 * The session webhook is on no list; it is counted in case it is.
 */
export const QUOTA_EXEMPT = new Set<DingTalkEndpoint>([
  "oauth2.accessToken",
  "oapi.gettoken",
  "oapi.user.getbymobile",
]);

export interface ApiCallInfo {
  status: number | undefined;
  code: string | number | undefined;
  /**
   * Whether DingTalk may have counted it: calls refused for QPS or an unreachable network are not
   * ("因为单应用调用QPS限流、API全局QPS限流、网络不可达等原因导致的失败调用，不会被统计"); a
   * timed-out call may have reached DingTalk, so it is.
   */
  countsTowardQuota: boolean;
}

export type OnApiCall = (endpoint: DingTalkEndpoint, info: ApiCallInfo) => void;

export interface HttpOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  onApiCall?: OnApiCall;
}

export type HttpAnswer =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; failure: DingTalkFailure };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function retryAfterHeader(headers: Headers): number | undefined {
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Reads an answer: v1.0 errors by status and {code,message}; oapi errors by errcode in a 200. */
function describe(status: number, headers: Headers, text: string): HttpAnswer {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = undefined;
  }
  const html = (headers.get("content-type") ?? "").includes("text/html") || /^\s*</.test(text);
  if (body === undefined || !isObj(body)) {
    return {
      ok: false,
      failure: {
        status,
        message: html ? "钉钉返回了网页（IP 被限流？）" : text.slice(0, 200),
        ipBanned: html,
      },
    };
  }
  if (body.punish === "deny" || body.status === 1111) {
    const wait = Number(body.wait);
    return {
      ok: false,
      failure: {
        status,
        message: "IP 调用过于频繁",
        ipBanned: true,
        ...(Number.isFinite(wait) && wait > 0 ? { retryAfterMs: wait * 60_000 } : {}),
      },
    };
  }
  const errcode = body.errcode;
  const code =
    typeof body.code === "string"
      ? body.code
      : typeof errcode === "number" && errcode !== 0
        ? errcode
        : undefined;
  const message = String(body.message ?? body.errmsg ?? "");
  const retryAfterMs = retryAfterHeader(headers);
  if (status >= 400 || code !== undefined || body.success === false) {
    return {
      ok: false,
      failure: { status, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    };
  }
  return { ok: true, status, body };
}

export async function callDingTalk(
  options: HttpOptions,
  endpoint: DingTalkEndpoint,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: unknown },
): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const report = (info: ApiCallInfo) => options.onApiCall?.(endpoint, info);
  const exempt = QUOTA_EXEMPT.has(endpoint);
  try {
    const res = await options.fetch(url, {
      method: init.method,
      headers: { "content-type": "application/json", ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: controller.signal,
    });
    const answer = describe(res.status, res.headers, await res.text());
    const code = answer.ok ? undefined : answer.failure.code;
    const refused =
      !answer.ok &&
      (answer.failure.status === 429 ||
        (code !== undefined && (THROTTLE_CODES.has(code) || QUOTA_CODES.has(code))) ||
        answer.failure.ipBanned === true);
    report({ status: res.status, code, countsTowardQuota: !exempt && !refused });
    return answer;
  } catch (error) {
    const timeout = controller.signal.aborted;
    report({ status: undefined, code: undefined, countsTowardQuota: !exempt && timeout });
    const message = timeout
      ? `${options.timeoutMs} ms 内没有响应`
      : error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? `：${error.cause.message}` : ""}`
        : String(error);
    return { ok: false, failure: { message, ...(timeout ? { timeout: true } : { network: true }) } };
  } finally {
    clearTimeout(timer);
  }
}
