/**
 * The v1.0 OpenAPI call with DingTalk's house rules: header `x-acs-dingtalk-access-token` from a
 * cached token (POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn}), one
 * fresh token after an auth error, short throttles waited out ("sleep 1 秒，然后继续执行"), a per-API
 * pace of 20 calls a second (the standard edition's QPS), and every other failure turned into a
 * PlatformSendError the outbox understands.
 */
import type { Logger } from "../../lib/logger.ts";
import { createRateLimiter, sleep as realSleep } from "../../lib/rate-limiter.ts";
import { PlatformSendError } from "../types.ts";
import type { DingTalkConfig } from "./config.ts";
import { classify, type DingTalkFailure, retryAfterFor, toSendError } from "./errors.ts";
import { callDingTalk, type DingTalkEndpoint, type OnApiCall } from "./http.ts";
import { createTokenCache } from "./token.ts";

export interface DingTalkApiOptions {
  /** For tests; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Every call gives up after this long (default 10 s). */
  timeoutMs?: number;
  onApiCall?: OnApiCall;
  logger?: Logger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Calls a second per API (standard edition: 20). */
  perApiPerSecond?: number;
  /** A throttle wait longer than this is handed back as retryable instead of slept through. */
  maxRateLimitWaitMs?: number;
  maxRateLimitRetries?: number;
}

export type Json = Record<string, unknown>;

export interface DingTalkApi {
  call(
    endpoint: DingTalkEndpoint,
    what: string,
    method: "POST" | "PUT",
    path: string,
    body: Json,
  ): Promise<Json>;
  /** Like `call`, but a failure with one of `codes` comes back as `{ code }` instead of being thrown. */
  callAllowing(
    endpoint: DingTalkEndpoint,
    what: string,
    method: "POST" | "PUT",
    path: string,
    body: Json,
    codes: Set<string>,
  ): Promise<{ body: Json } | { code: string }>;
  readonly http: { fetch: typeof fetch; timeoutMs: number; onApiCall?: OnApiCall };
  readonly now: () => Date;
}

export function createDingTalkApi(config: DingTalkConfig, options: DingTalkApiOptions = {}): DingTalkApi {
  const http = {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.onApiCall ? { onApiCall: options.onApiCall } : {}),
  } satisfies { fetch: typeof fetch; timeoutMs: number; onApiCall?: OnApiCall };
  const now = options.now ?? (() => new Date());
  const wait = options.sleep ?? realSleep;
  const limiter = createRateLimiter({ limit: options.perApiPerSecond ?? 20, windowMs: 1000, sleep: wait });
  const maxWait = options.maxRateLimitWaitMs ?? 2000;
  const maxRetries = options.maxRateLimitRetries ?? 2;

  const tokens = createTokenCache(
    async () => {
      const answer = await callDingTalk(
        http,
        "oauth2.accessToken",
        `${config.apiBase}/v1.0/oauth2/accessToken`,
        {
          method: "POST",
          body: { appKey: config.appKey, appSecret: config.appSecret },
        },
      );
      if (!answer.ok) throw toSendError("获取访问凭证", answer.failure, now());
      const { accessToken, expireIn } = answer.body;
      if (typeof accessToken !== "string" || !accessToken) {
        throw new PlatformSendError("钉钉获取访问凭证失败：响应中没有 accessToken", true);
      }
      return { token: accessToken, expiresInSeconds: Number(expireIn) || 7200 };
    },
    () => now().getTime(),
  );

  async function attempt(endpoint: DingTalkEndpoint, what: string, method: string, path: string, body: Json) {
    let authRetried = false;
    let rateRetries = 0;
    for (;;) {
      const token = await tokens.get();
      await limiter.acquire(endpoint);
      const answer = await callDingTalk(http, endpoint, `${config.apiBase}${path}`, {
        method,
        headers: { "x-acs-dingtalk-access-token": token },
        body,
      });
      if (answer.ok) return { ok: true as const, body: answer.body };
      const failure: DingTalkFailure = answer.failure;
      const kind = classify(failure);
      if (kind === "auth" && !authRetried) {
        authRetried = true;
        tokens.invalidate(token);
        options.logger?.info("钉钉访问凭证失效，已丢弃缓存并重试", { what, code: failure.code });
        continue;
      }
      const waitMs = retryAfterFor(kind, failure, now());
      if (kind === "throttled" && waitMs !== undefined && waitMs <= maxWait && rateRetries < maxRetries) {
        rateRetries++;
        options.logger?.info("钉钉接口限流，等待后重试", { what, waitMs, attempt: rateRetries });
        await wait(waitMs);
        continue;
      }
      return { ok: false as const, failure };
    }
  }

  const fail = (what: string, failure: DingTalkFailure) => {
    const error = toSendError(what, failure, now());
    options.logger?.warn("钉钉接口调用失败", {
      what,
      code: failure.code,
      status: failure.status,
      retryable: error.retryable,
    });
    return error;
  };

  return {
    http,
    now,
    async call(endpoint, what, method, path, body) {
      const r = await attempt(endpoint, what, method, path, body);
      if (!r.ok) throw fail(what, r.failure);
      return r.body;
    },
    async callAllowing(endpoint, what, method, path, body, codes) {
      const r = await attempt(endpoint, what, method, path, body);
      if (r.ok) return { body: r.body };
      if (typeof r.failure.code === "string" && codes.has(r.failure.code)) return { code: r.failure.code };
      throw fail(what, r.failure);
    },
  };
}
