/**
 * A fake Feishu OpenAPI on 127.0.0.1 for tests: the real SDK is pointed at it through its `domain`
 * option (FEISHU_DOMAIN), so requests go over real HTTP exactly as they would to open.feishu.cn.
 *
 * What it emulates:
 *  - POST /open-apis/auth/v3/tenant_access_token/internal: checks app_id/app_secret, issues tokens.
 *  - POST /open-apis/im/v1/messages?receive_id_type=…: checks the bearer token, records the message,
 *    and honours `uuid` like Feishu does (a repeated uuid returns the first message instead of posting).
 *  - PATCH /open-apis/im/v1/messages/:message_id: checks the token, records the new content.
 *  - POST /open-apis/contact/v3/users/batch_get_id?user_id_type=open_id {mobiles, emails}: answers
 *    from `contacts` (mobile or email → open_id); unknown ones come back without user_id, as Feishu does.
 *  - Cards over Feishu's 30 KB are refused (code 230025), on sending and patching alike.
 *  - Faults for the next N message calls: 429 with x-ogw-ratelimit-reset, an expired tenant token
 *    (which really invalidates the tokens issued so far), a 5xx, any Feishu error code, or a hang (the
 *    request is read and never answered) or a delay (answered normally, late), optionally only for
 *    calls to one chat or person.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FeishuConfig } from "../../src/platforms/feishu/config.ts";

export type FeishuFault =
  /** HTTP 429, code 99991400, with `x-ogw-ratelimit-reset: resetSeconds` (default 1). */
  | { type: "rate_limit"; resetSeconds?: number }
  /** Invalidates every token issued so far, then answers 99991663 like Feishu does for a stale token. */
  | { type: "token_expired" }
  | { type: "server_error"; status?: number }
  | { type: "error"; status: number; code: number; msg: string }
  /** Reads the request and never answers it (until the client gives up or the fake closes). */
  | { type: "hang" }
  /** Answers as usual, but only after `ms`; the message or patch is recorded when it is answered. */
  | { type: "delay"; ms: number };

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface FakeMessage {
  messageId: string;
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  /** The `content` string as sent, and parsed. */
  content: string;
  parsed: unknown;
  uuid: string | undefined;
  headers: Record<string, string>;
  at: number;
}

export interface FakePatch {
  messageId: string;
  content: string;
  parsed: unknown;
  headers: Record<string, string>;
  at: number;
}

export interface FakeFeishuOpenApi {
  /** Base URL to use as FEISHU_DOMAIN, e.g. http://127.0.0.1:41234 */
  url: string;
  appId: string;
  appSecret: string;
  /** A FeishuConfig pointing at this fake (FEISHU_DOMAIN = url), for createFeishuClient and the routes. */
  config(overrides?: Partial<FeishuConfig>): FeishuConfig;
  /** Every request, in arrival order. */
  calls: RecordedCall[];
  /** Messages actually posted (a uuid repeat is not a new message). */
  messages: FakeMessage[];
  patches: FakePatch[];
  tokensIssued: number;
  /**
   * The next `count` message create/patch calls answer with this fault; with `receiveId`, only calls
   * to that chat or person (a patch counts as a call to the message's recipient).
   */
  failNext(count: number, fault: FeishuFault, only?: { receiveId?: string }): void;
  /** Requests hanging now (hang faults not yet given up by their client). */
  readonly hanging: number;
  /** Marks every token issued so far as expired (without failing calls otherwise). */
  expireTokens(): void;
  /** Messages sent to one chat or user. */
  messagesTo(receiveId: string): FakeMessage[];
  /** Resolves once `count` messages have been posted in total, or rejects after timeoutMs. */
  waitForMessages(count: number, timeoutMs?: number): Promise<FakeMessage[]>;
  /** Resolves once `count` patches have been recorded in total, or rejects after timeoutMs. */
  waitForPatches(count: number, timeoutMs?: number): Promise<FakePatch[]>;
  /** Who batch_get_id finds: mobile or email → open_id. */
  contacts: Map<string, string>;
  /** Forgets recorded calls, messages, patches and pending faults (tokens stay valid). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  /** Token lifetime the fake reports, in seconds (Feishu: 7200). */
  tokenTtlSeconds?: number;
  /**
   * How long an idle keep-alive connection stays open (Node's default, 5 s, is also the client agent's:
   * a call after a pause that long may meet a socket the fake is just closing). Real APIs keep them longer.
   */
  keepAliveMs?: number;
}

/** Feishu refuses a card whose JSON passes 30 KB. */
const CARD_LIMIT_BYTES = 30 * 1024;
const tooLarge = (msgType: unknown, content: string) =>
  msgType === "interactive" && Buffer.byteLength(content, "utf8") > CARD_LIMIT_BYTES
    ? { code: 230025, msg: "The message content exceeds the size limit." }
    : undefined;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
  return { status, body };
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeFeishuOpenApi(options: FakeFeishuOptions = {}): Promise<FakeFeishuOpenApi> {
  const appId = options.appId ?? "cli_test_zhibu";
  const appSecret = options.appSecret ?? "secret_test_zhibu";
  const ttl = options.tokenTtlSeconds ?? 7200;

  const validTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  const faults: { fault: FeishuFault; receiveId: string | undefined }[] = [];
  const hung = new Set<ServerResponse>();
  const byUuid = new Map<string, FakeMessage>();
  const known = new Map<string, FakeMessage>();
  const waiters = new Set<() => void>();

  const contacts = new Map<string, string>();
  const state = {
    calls: [] as RecordedCall[],
    messages: [] as FakeMessage[],
    patches: [] as FakePatch[],
    tokensIssued: 0,
  };
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  /** Feishu's answers for a missing, unknown or expired tenant token. */
  const checkAuth = (headers: Record<string, string>) => {
    const auth = headers.authorization;
    if (!auth?.startsWith("Bearer ")) {
      return { status: 400, body: { code: 99991661, msg: "Missing access token for authorization." } };
    }
    const token = auth.slice("Bearer ".length);
    if (!validTokens.has(token)) {
      return {
        status: 400,
        body: {
          code: expiredTokens.has(token) ? 99991663 : 99991668,
          msg: expiredTokens.has(token)
            ? "Invalid access token for authorization. Please make a request with token attached."
            : "Invalid access token for authorization.",
        },
      };
    }
    return undefined;
  };

  const matching = (receiveId: string | undefined) =>
    faults.findIndex((f) => f.receiveId === undefined || f.receiveId === receiveId);

  /** A pending delay for this call is waited out first; the call then goes on as if it had just arrived. */
  const delayFor = (receiveId: string | undefined) => {
    const at = matching(receiveId);
    const entry = at < 0 ? undefined : faults[at];
    if (entry?.fault.type !== "delay") return 0;
    faults.splice(at, 1);
    return entry.fault.ms;
  };

  const applyFault = (res: ServerResponse, receiveId: string | undefined) => {
    const at = matching(receiveId);
    if (at < 0) return undefined;
    const fault = faults.splice(at, 1)[0]?.fault;
    switch (fault?.type) {
      case "rate_limit":
        return json(
          res,
          429,
          { code: 99991400, msg: "request trigger frequency limit" },
          {
            "x-ogw-ratelimit-limit": "5",
            "x-ogw-ratelimit-reset": String(fault.resetSeconds ?? 1),
          },
        );
      case "token_expired":
        for (const t of validTokens) expiredTokens.add(t);
        validTokens.clear();
        return json(res, 400, {
          code: 99991663,
          msg: "Invalid access token for authorization. Please make a request with token attached.",
        });
      case "server_error":
        return json(res, fault.status ?? 500, { code: 1500, msg: "internal error" });
      case "error":
        return json(res, fault.status, { code: fault.code, msg: fault.msg });
      case "hang":
        hung.add(res);
        res.on("close", () => hung.delete(res));
        return { status: 0, body: "hang" };
      default:
        return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers = flatHeaders(req);
    const raw = await readBody(req);
    const body = raw ? tryParse(raw) : undefined;
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const method = req.method ?? "GET";
    const path = url.pathname;
    const patched = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path)?.[1];
    const callTo =
      method === "POST" && path === "/open-apis/im/v1/messages"
        ? typeof b.receive_id === "string"
          ? b.receive_id
          : undefined
        : method === "PATCH" && patched
          ? known.get(decodeURIComponent(patched))?.receiveId
          : null;
    const delay = callTo === null ? 0 : delayFor(callTo);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    const answer = (() => {
      if (method === "POST" && path === "/open-apis/auth/v3/tenant_access_token/internal") {
        if (b.app_id !== appId || b.app_secret !== appSecret) {
          return json(res, 400, { code: 10014, msg: "app secret invalid" });
        }
        const token = `t-${randomBytes(12).toString("hex")}`;
        validTokens.add(token);
        state.tokensIssued++;
        return json(res, 200, { code: 0, msg: "ok", tenant_access_token: token, expire: ttl });
      }

      if (method === "POST" && path === "/open-apis/contact/v3/users/batch_get_id") {
        const authError = checkAuth(headers);
        if (authError) return json(res, authError.status, authError.body);
        const mobiles: unknown[] = Array.isArray(b.mobiles) ? b.mobiles : [];
        const emails: unknown[] = Array.isArray(b.emails) ? b.emails : [];
        if (mobiles.length > 50 || emails.length > 50 || url.searchParams.get("user_id_type") !== "open_id")
          return json(res, 400, { code: 99992402, msg: "field validation failed" });
        const entry = (key: "mobile" | "email", v: unknown) => {
          const id = contacts.get(String(v));
          return { [key]: v, ...(id ? { user_id: id, status: { is_activated: true } } : {}) };
        };
        return json(res, 200, {
          code: 0,
          msg: "success",
          data: {
            user_list: [...mobiles.map((m) => entry("mobile", m)), ...emails.map((e) => entry("email", e))],
          },
        });
      }

      if (method === "POST" && path === "/open-apis/im/v1/messages") {
        const authError = checkAuth(headers);
        if (authError) return json(res, authError.status, authError.body);
        const faulted = applyFault(res, typeof b.receive_id === "string" ? b.receive_id : undefined);
        if (faulted) return faulted;
        const receiveIdType = url.searchParams.get("receive_id_type") ?? "";
        const { receive_id, msg_type, content, uuid } = b;
        if (
          !["chat_id", "open_id", "user_id", "union_id", "email"].includes(receiveIdType) ||
          typeof receive_id !== "string" ||
          typeof msg_type !== "string" ||
          typeof content !== "string"
        ) {
          return json(res, 400, { code: 99992402, msg: "field validation failed" });
        }
        const oversize = tooLarge(msg_type, content);
        if (oversize) return json(res, 400, oversize);
        if (typeof uuid === "string" && uuid.length > 50) {
          return json(res, 400, { code: 99992402, msg: "field validation failed: uuid too long" });
        }
        const earlier = typeof uuid === "string" ? byUuid.get(uuid) : undefined;
        const message: FakeMessage = earlier ?? {
          messageId: `om_${randomBytes(16).toString("hex")}`,
          receiveIdType,
          receiveId: receive_id,
          msgType: msg_type,
          content,
          parsed: tryParse(content),
          uuid: typeof uuid === "string" ? uuid : undefined,
          headers,
          at,
        };
        if (!earlier) {
          if (message.uuid) byUuid.set(message.uuid, message);
          known.set(message.messageId, message);
          state.messages.push(message);
        }
        return json(res, 200, {
          code: 0,
          msg: "success",
          data: {
            message_id: message.messageId,
            chat_id: receiveIdType === "chat_id" ? message.receiveId : `oc_p2p_${message.receiveId}`,
            msg_type: message.msgType,
            create_time: String(message.at),
            body: { content: message.content },
            sender: { id: appId, id_type: "app_id", sender_type: "app" },
          },
        });
      }

      const patchMatch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path);
      if (method === "PATCH" && patchMatch) {
        const authError = checkAuth(headers);
        if (authError) return json(res, authError.status, authError.body);
        const messageId = decodeURIComponent(patchMatch[1] ?? "");
        const faulted = applyFault(res, known.get(messageId)?.receiveId);
        if (faulted) return faulted;
        if (typeof b.content !== "string") {
          return json(res, 400, { code: 99992402, msg: "field validation failed" });
        }
        if (!known.has(messageId)) {
          return json(res, 400, { code: 230001, msg: "invalid message_id" });
        }
        const oversize = tooLarge(known.get(messageId)?.msgType, b.content);
        if (oversize) return json(res, 400, oversize);
        state.patches.push({ messageId, content: b.content, parsed: tryParse(b.content), headers, at });
        return json(res, 200, { code: 0, msg: "success", data: {} });
      }

      return json(res, 404, { code: 404, msg: "not found" });
    })();

    state.calls.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      status: answer.status,
      response: answer.body,
      at,
    });
    notify();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { code: 1, msg: String(error) });
    });
  });
  if (options.keepAliveMs !== undefined) server.keepAliveTimeout = options.keepAliveMs;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const waitFor = <T>(get: () => T[], count: number, timeoutMs: number, what: string) =>
    new Promise<T[]>((resolve, reject) => {
      const check = () => {
        if (get().length >= count) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(get());
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`fake Feishu: expected ${count} ${what}, got ${get().length} after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    contacts,
    url: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    config: (overrides = {}) => ({
      appId,
      appSecret,
      encryptKey: undefined,
      verificationToken: undefined,
      domain: `http://127.0.0.1:${port}`,
      botName: "支部助手",
      allowUnsigned: false,
      ...overrides,
    }),
    get calls() {
      return state.calls;
    },
    get messages() {
      return state.messages;
    },
    get patches() {
      return state.patches;
    },
    get tokensIssued() {
      return state.tokensIssued;
    },
    failNext(count, fault, only = {}) {
      for (let i = 0; i < count; i++) faults.push({ fault, receiveId: only.receiveId });
    },
    get hanging() {
      return hung.size;
    },
    expireTokens() {
      for (const t of validTokens) expiredTokens.add(t);
      validTokens.clear();
    },
    messagesTo(receiveId) {
      return state.messages.filter((m) => m.receiveId === receiveId);
    },
    waitForMessages(count, timeoutMs = 5000) {
      return waitFor(() => state.messages, count, timeoutMs, "messages");
    },
    waitForPatches(count, timeoutMs = 5000) {
      return waitFor(() => state.patches, count, timeoutMs, "patches");
    },
    reset() {
      state.calls = [];
      state.messages = [];
      state.patches = [];
      faults.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
