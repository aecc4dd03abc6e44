import { createHash } from "node:crypto";
import {
  Client,
  defaultHttpInstance,
  type HttpInstance,
  type HttpRequestOptions,
  LoggerLevel,
} from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../lib/logger.ts";
import { createRateLimiter, sleep as realSleep } from "../../lib/rate-limiter.ts";
import {
  type CardView,
  type MessageTarget,
  type OutboundMessage,
  type PlatformClient,
  PlatformSendError,
  type SendOptions,
  type SendResult,
} from "../types.ts";
import { renderCard } from "./cards.ts";
import type { FeishuConfig } from "./config.ts";

/** Feishu answers these when the tenant token is missing, invalid or expired. */
const TOKEN_ERROR_CODES = new Set([99991661, 99991663, 99991668]);
const RATE_LIMIT_CODE = 99991400;
/** One chat or person got more than Feishu allows them (5 messages a second); the app as a whole is fine. */
const TARGET_RATE_LIMIT_CODE = 230020;

/** How long one call to Feishu (its token fetch included) may take before it is given up as retryable. */
export const FEISHU_CALL_TIMEOUT_MS = 10_000;

export interface FeishuClientOptions {
  logger?: Logger;
  /** For tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Feishu: 50 messages/s per app, 5/s per chat or user. */
  limits?: { perApp: number; perChat: number; windowMs: number };
  /** A rate-limit wait longer than this is not slept through but handed back as retryable. */
  maxRateLimitWaitMs?: number;
  /** How many rate-limit answers in a row are waited out before giving up. */
  maxRateLimitRetries?: number;
  /** Each call to Feishu (token fetch and request together) is given up after this; default 10 s. */
  callTimeoutMs?: number;
}

export interface FeishuClient extends PlatformClient {
  readonly platform: "feishu";
}

/** Feishu keeps a `uuid` for an hour and posts at most one message per uuid; it allows 50 characters. */
export function feishuUuid(idempotencyKey: string): string {
  const h = createHash("sha256").update(`zhibu:${idempotencyKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The SDK's token cache, owned per client so a rejected token can be dropped (the SDK's default one is shared by every client in the process). */
export function createTokenCache() {
  const values = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  const keyOf = (key: unknown, namespace?: string) => `${namespace ?? ""}/${String(key)}`;
  return {
    async get(key: unknown, options?: { namespace?: string }) {
      const entry = values.get(keyOf(key, options?.namespace));
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
      return entry.value;
    },
    async set(key: unknown, value: unknown, expiresAt?: number, options?: { namespace?: string }) {
      values.set(keyOf(key, options?.namespace), { value, expiresAt });
      return true;
    },
    clear() {
      values.clear();
    },
  };
}

interface Failure {
  status: number | undefined;
  code: number | undefined;
  msg: string;
  retryAfterMs: number | undefined;
  network: boolean;
  timedOut?: boolean;
}

/**
 * The SDK's shared axios instance, with a timeout on every request of this client only: axios's own
 * (socket idle) and an abort signal that ends the request however the server trickles. Other clients
 * and the SDK's defaults are untouched.
 */
function httpWithTimeout(timeoutMs: number): HttpInstance {
  const withTimeout = <D>(opts: HttpRequestOptions<D> = {}) =>
    ({ timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs), ...opts }) as HttpRequestOptions<D>;
  const base = defaultHttpInstance as unknown as HttpInstance;
  return {
    request: (opts) => base.request(withTimeout(opts)),
    get: (url, opts) => base.get(url, withTimeout(opts)),
    delete: (url, opts) => base.delete(url, withTimeout(opts)),
    head: (url, opts) => base.head(url, withTimeout(opts)),
    options: (url, opts) => base.options(url, withTimeout(opts)),
    post: (url, data, opts) => base.post(url, data, withTimeout(opts)),
    put: (url, data, opts) => base.put(url, data, withTimeout(opts)),
    patch: (url, data, opts) => base.patch(url, data, withTimeout(opts)),
  };
}

/** Our own deadline fired, or axios gave up on its timeout or abort signal. */
class CallTimeout extends Error {}

function isTimeout(error: unknown): boolean {
  if (error instanceof CallTimeout) return true;
  if (!isRecord(error)) return false;
  return (
    ["ECONNABORTED", "ETIMEDOUT", "ERR_CANCELED"].includes(String(error.code)) ||
    error.name === "TimeoutError" ||
    error.name === "AbortError" ||
    error.name === "CanceledError"
  );
}

/** `op`, or a CallTimeout after `ms`; the request itself is ended by its own timeout soon after. */
async function withDeadline<T>(ms: number, op: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      op(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CallTimeout(`${ms} ms 内无响应`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function headerValue(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  const getter = headers.get;
  const v = typeof getter === "function" ? getter.call(headers, name) : headers[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

/** Reads a thrown SDK (axios) error or a non-zero business answer into one shape. */
function describeFailure(error: unknown): Failure {
  if (isTimeout(error)) {
    return {
      status: undefined,
      code: undefined,
      msg: error instanceof Error ? error.message : String(error),
      retryAfterMs: undefined,
      network: true,
      timedOut: true,
    };
  }
  if (isRecord(error) && isRecord(error.response)) {
    const { status, data, headers } = error.response;
    const body = isRecord(data) ? data : {};
    const reset = headerValue(headers, "x-ogw-ratelimit-reset");
    return {
      status: typeof status === "number" ? status : undefined,
      code: typeof body.code === "number" ? body.code : undefined,
      msg: typeof body.msg === "string" ? body.msg : typeof data === "string" ? data : String(error.message),
      retryAfterMs: reset !== undefined && Number.isFinite(Number(reset)) ? Number(reset) * 1000 : undefined,
      network: false,
    };
  }
  return {
    status: undefined,
    code: undefined,
    msg: error instanceof Error ? error.message : String(error),
    retryAfterMs: undefined,
    network: true,
  };
}

class BusinessError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

/** The SDK returns the body on 2xx; Feishu sometimes reports errors there with a non-zero code. */
function ensureOk<T extends { code?: number; msg?: string }>(res: T): T {
  if (res.code !== undefined && res.code !== 0) throw new BusinessError(res.code, res.msg ?? "");
  return res;
}

function toSdkLogger(logger: Logger | undefined) {
  // The SDK logs every failed request as an error; we log the outcome ourselves with code and message.
  const at = (m: unknown[]) => logger?.debug("feishu sdk", { sdk: m });
  return { error: at, warn: at, info: at, debug: at, trace: at };
}

export function createFeishuClient(config: FeishuConfig, options: FeishuClientOptions = {}): FeishuClient {
  const cache = createTokenCache();
  const timeoutMs = options.callTimeoutMs ?? FEISHU_CALL_TIMEOUT_MS;
  const sdk = new Client({
    httpInstance: httpWithTimeout(timeoutMs),
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    cache,
    logger: toSdkLogger(options.logger),
    loggerLevel: LoggerLevel.warn,
  });
  const wait = options.sleep ?? realSleep;
  const limits = options.limits ?? { perApp: 50, perChat: 5, windowMs: 1000 };
  const appLimiter = createRateLimiter({ limit: limits.perApp, windowMs: limits.windowMs, sleep: wait });
  const chatLimiter = createRateLimiter({ limit: limits.perChat, windowMs: limits.windowMs, sleep: wait });
  const maxWait = options.maxRateLimitWaitMs ?? 10_000;
  const maxRateRetries = options.maxRateLimitRetries ?? 3;

  /** Runs one API call with the token-refresh and rate-limit retries Feishu expects. */
  async function call<T extends { code?: number; msg?: string }>(
    what: string,
    op: () => Promise<T>,
  ): Promise<T> {
    let tokenRetried = false;
    let rateRetries = 0;
    for (;;) {
      let failure: Failure;
      try {
        return ensureOk(await withDeadline(timeoutMs, op));
      } catch (error) {
        failure =
          error instanceof BusinessError
            ? { status: 200, code: error.code, msg: error.msg, retryAfterMs: undefined, network: false }
            : describeFailure(error);
      }
      if (failure.code !== undefined && TOKEN_ERROR_CODES.has(failure.code) && !tokenRetried) {
        tokenRetried = true;
        cache.clear();
        options.logger?.info("飞书 tenant token 失效，已丢弃缓存并重试", { code: failure.code, what });
        continue;
      }
      const targetLimited = failure.code === TARGET_RATE_LIMIT_CODE;
      const rateLimited = failure.status === 429 || failure.code === RATE_LIMIT_CODE || targetLimited;
      const waitMs = Math.max(failure.retryAfterMs ?? 1000, 50);
      if (rateLimited && rateRetries < maxRateRetries && waitMs <= maxWait) {
        rateRetries++;
        options.logger?.info("飞书接口限流，等待后重试", { what, waitMs, attempt: rateRetries });
        await wait(waitMs);
        continue;
      }
      const retryable = rateLimited || failure.network || (failure.status ?? 0) >= 500;
      const codePart = failure.timedOut
        ? `${timeoutMs / 1000} 秒内无响应，已放弃`
        : failure.code !== undefined
          ? `错误码 ${failure.code}`
          : `HTTP ${failure.status ?? "无响应"}`;
      options.logger?.warn("飞书接口调用失败", {
        what,
        code: failure.code,
        msg: failure.msg,
        status: failure.status,
        retryable,
      });
      throw new PlatformSendError(`飞书${what}失败（${codePart}）：${failure.msg}`, retryable, {
        ...(failure.code !== undefined
          ? { code: failure.code }
          : failure.timedOut
            ? { code: "timeout" }
            : {}),
        ...(failure.status !== undefined ? { status: failure.status } : {}),
        ...(rateLimited ? { retryAfterMs: waitMs, scope: targetLimited ? "target" : "app" } : {}),
      });
    }
  }

  const content = (message: OutboundMessage) =>
    message.kind === "text"
      ? { msg_type: "text", content: JSON.stringify({ text: message.text }) }
      : { msg_type: "interactive", content: JSON.stringify(renderCard(message.card)) };

  return {
    platform: "feishu",
    async send(
      target: MessageTarget,
      message: OutboundMessage,
      sendOptions: SendOptions,
    ): Promise<SendResult> {
      await chatLimiter.acquire(`${target.type}:${target.id}`);
      await appLimiter.acquire("app");
      const res = await call("发送消息", () =>
        sdk.im.message.create({
          params: { receive_id_type: target.type === "chat" ? "chat_id" : "open_id" },
          data: { receive_id: target.id, ...content(message), uuid: feishuUuid(sendOptions.idempotencyKey) },
        }),
      );
      const messageId = res.data?.message_id;
      if (!messageId) throw new PlatformSendError("飞书发送消息失败：响应中没有 message_id", true);
      return { messageId };
    },
    async updateCard(messageId: string, card: CardView): Promise<void> {
      await appLimiter.acquire("app");
      await call("更新卡片", () =>
        sdk.im.message.patch({
          path: { message_id: messageId },
          data: { content: JSON.stringify(renderCard(card)) },
        }),
      );
    },
  };
}
