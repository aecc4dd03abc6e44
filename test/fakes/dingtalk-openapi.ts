/**
 * A fake DingTalk OpenAPI on 127.0.0.1 for tests. The client is pointed at it with DINGTALK_API_BASE and
 * DINGTALK_OAPI_BASE, so requests go over real HTTP as they would to api.dingtalk.com.
 *
 * What it emulates (shapes from the pages cited in src/platforms/dingtalk/*):
 *  - POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn}; 400 invalidClientIdOrSecret.
 *  - every v1.0 call checks `x-acs-dingtalk-access-token`: missing, unknown or expired → HTTP 400
 *    {code: "InvalidAuthentication", message: "不合法的access_token"} (as published clients saw it).
 *  - POST /v1.0/robot/groupMessages/send and /v1.0/robot/oToMessages/batchSend (≤ 20 users; users marked
 *    invalid or flow-controlled come back in invalidStaffIdList / flowControlledStaffIdList).
 *  - POST /v1.0/card/instances/createAndDeliver: validates the body, one card per outTrackId. A repeat is
 *    answered as the docs say it two ways: `cardDedup: "error"` → 400 param.cardAlreadyExist (default),
 *    `"silent"` → 200 and nothing changes.
 *  - PUT /v1.0/card/instances: by key (cardUpdateOptions.updateCardDataByKey) or whole.
 *  - POST /v1.0/card/callbacks/register: keeps the first registration unless forceUpdate.
 *  - GET /gettoken and POST /topapi/v2/user/getbymobile?access_token= (old-style token and errcodes).
 *  - POST /robot/sendBySession?session=…: session webhooks issued by `sessionWebhook(expiresAt)`; an
 *    unknown or expired one answers errcode 310000 (a code the fake chose: the docs list none).
 *  - Faults for the next N calls to an endpoint: throttle (403 QPS codes), 429 with Retry-After, quota,
 *    expired token, 5xx, the IP-ban HTML page, any error, or a hang that never answers.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DingTalkConfig } from "../../src/platforms/dingtalk/config.ts";

export type DingTalkFault =
  | {
      type: "throttle";
      code?: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi" | "Forbidden.AccessDenied.QpsLimitForApi";
    }
  | { type: "http429"; retryAfterSeconds?: number }
  | { type: "quota" }
  | { type: "token_expired" }
  | { type: "server_error"; status?: number }
  | { type: "ip_ban" }
  | { type: "hang" }
  | { type: "error"; status: number; code: string; message?: string };

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number | undefined;
  at: number;
}

export interface FakeCard {
  outTrackId: string;
  request: Record<string, any>;
  /** The card's variables now, after updates. */
  data: Record<string, string>;
  updates: Record<string, any>[];
}

/** What reached a chat or person, in arrival order: messages, cards and card updates alike. */
export interface FakeDelivery {
  at: number;
  kind: "group" | "oto" | "webhook" | "card" | "update";
  /** openConversationId, staffId, `session:<id>` for webhook replies, or a card's space id. */
  target: string;
  /** processQueryKey, or a card's outTrackId ("" for webhook replies). */
  messageId: string;
  /** The message's msgParam (parsed) or webhook body; for cards, all of the card's variables after this step. */
  content: unknown;
}

/** One batchSend call the fake answered 200: whom it named and what became of each. */
export interface FakeBatchSend {
  userIds: string[];
  delivered: string[];
  invalid: string[];
  flowControlled: string[];
}

export interface FakeDingTalkOptions {
  appKey?: string;
  appSecret?: string;
  tokenTtlSeconds?: number;
  cardDedup?: "error" | "silent";
  /** mobile → staffId for getbymobile. */
  members?: Record<string, string>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
  return status;
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const isStringMap = (v: unknown) =>
  typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");

export type FakeDingTalkOpenApi = Awaited<ReturnType<typeof startFakeDingTalkOpenApi>>;

export async function startFakeDingTalkOpenApi(options: FakeDingTalkOptions = {}) {
  const appKey = options.appKey ?? "dingzhibutest";
  const appSecret = options.appSecret ?? "secret_zhibu_test";
  const ttl = options.tokenTtlSeconds ?? 7200;
  const tokens = new Set<string>();
  const oldTokens = new Set<string>();
  const faults: { endpoint: string | undefined; fault: DingTalkFault; skip: number }[] = [];
  const hanging = new Set<ServerResponse>();
  const sessions = new Map<string, number>();
  const state = {
    calls: [] as RecordedCall[],
    groupMessages: [] as Record<string, any>[],
    otoMessages: [] as Record<string, any>[],
    batchSends: [] as FakeBatchSend[],
    webhookReplies: [] as { session: string; body: any }[],
    cards: new Map<string, FakeCard>(),
    deliveries: [] as FakeDelivery[],
    registrations: new Map<string, Record<string, any>>(),
    tokensIssued: 0,
    invalidUsers: new Set<string>(),
    flowControlledUsers: new Set<string>(),
    /** Space ids (conversations or users) a card is created for but cannot be delivered to. */
    undeliverable: new Set<string>(),
  };
  let port = 0;

  const issue = (set: Set<string>) => {
    const t = randomBytes(12).toString("hex");
    set.add(t);
    state.tokensIssued++;
    return t;
  };

  /** Answers the next fault queued for this path (or for any path), or undefined. */
  function applyFault(path: string, res: ServerResponse): number | "hang" | undefined {
    const i = faults.findIndex((f) => f.endpoint === undefined || path.startsWith(f.endpoint));
    if (i < 0) return undefined;
    if (faults[i]!.skip > 0) {
      faults[i]!.skip--;
      return undefined;
    }
    const fault = faults.splice(i, 1)[0]!.fault;
    switch (fault.type) {
      case "throttle":
        return json(res, 403, {
          code: fault.code ?? "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
          message: "限流",
        });
      case "http429":
        return json(
          res,
          429,
          { code: "Throttling", message: "too many" },
          { "retry-after": String(fault.retryAfterSeconds ?? 1) },
        );
      case "quota":
        return json(res, 403, {
          code: "Forbidden.AccessDenied.ApiCountLimitForOrg",
          message: "本月调用次数已达上限",
        });
      case "token_expired":
        tokens.clear();
        return json(res, 400, { code: "InvalidAuthentication", message: "不合法的access_token" });
      case "server_error":
        return json(res, fault.status ?? 500, { code: "system.busy", message: "系统繁忙" });
      case "ip_ban":
        res.writeHead(403, { "content-type": "text/html" });
        res.end("<html><body>访问被拒绝</body></html>");
        return 403;
      case "hang":
        hanging.add(res);
        return "hang";
      case "error":
        return json(res, fault.status, { code: fault.code, message: fault.message ?? fault.code });
    }
  }

  function createAndDeliver(b: Record<string, any>, res: ServerResponse): number {
    const space = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/i.exec(String(b.openSpaceId ?? ""));
    if (!b.cardTemplateId)
      return json(res, 400, { code: "param.cardTemplateIdEmpty", message: "param.cardTemplateIdEmpty" });
    if (!b.outTrackId)
      return json(res, 400, { code: "param.outTrackIdEmpty", message: "param.outTrackIdEmpty" });
    if (!space)
      return json(res, 400, { code: "param.openSpaceIdInvalid", message: "param.openSpaceIdInvalid" });
    const group = space[1]!.toUpperCase() === "IM_GROUP";
    const model = group ? b.imGroupOpenDeliverModel : b.imRobotOpenDeliverModel;
    if (!model?.robotCode)
      return json(res, 400, { code: "param.openDeliverModelEmpty", message: "param.openDeliverModelEmpty" });
    if (!isStringMap(b.cardData?.cardParamMap))
      return json(res, 400, { code: "param.invalid", message: "cardParamMap" });
    const delivered = !state.undeliverable.has(space[2]!);
    const ok = {
      success: true,
      result: {
        outTrackId: b.outTrackId,
        deliverResults: [
          {
            spaceType: group ? "IM_GROUP" : "IM_ROBOT",
            spaceId: space[2],
            success: delivered,
            ...(delivered ? { carrierId: "c1" } : { errorMsg: "机器人不在群内" }),
          },
        ],
      },
    };
    if (state.cards.has(b.outTrackId)) {
      return options.cardDedup === "silent"
        ? json(res, 200, ok)
        : json(res, 400, { code: "param.cardAlreadyExist", message: "param.cardAlreadyExist" });
    }
    state.cards.set(b.outTrackId, {
      outTrackId: b.outTrackId,
      request: b,
      data: { ...b.cardData.cardParamMap },
      updates: [],
    });
    if (delivered)
      state.deliveries.push({
        at: Date.now(),
        kind: "card",
        target: space[2]!,
        messageId: b.outTrackId,
        content: { ...b.cardData.cardParamMap },
      });
    return json(res, 200, ok);
  }

  function route(
    method: string,
    url: URL,
    headers: Record<string, string>,
    b: Record<string, any>,
    res: ServerResponse,
  ) {
    const path = url.pathname;
    if (method === "POST" && path === "/v1.0/oauth2/accessToken") {
      if (b.appKey !== appKey || b.appSecret !== appSecret) {
        return json(res, 400, { code: "invalidClientIdOrSecret", message: "无效的clientId或者clientSecret" });
      }
      return json(res, 200, { accessToken: issue(tokens), expireIn: ttl });
    }
    if (method === "GET" && path === "/gettoken") {
      if (url.searchParams.get("appkey") !== appKey || url.searchParams.get("appsecret") !== appSecret) {
        return json(res, 200, { errcode: 40089, errmsg: "不合法的corpid或corpsecret" });
      }
      return json(res, 200, { errcode: 0, errmsg: "ok", access_token: issue(oldTokens), expires_in: ttl });
    }
    if (method === "POST" && path === "/robot/sendBySession") {
      const session = url.searchParams.get("session") ?? "";
      const expiresAt = sessions.get(session);
      if (expiresAt === undefined || expiresAt <= Date.now())
        return json(res, 200, { errcode: 310000, errmsg: "session expired (fake)" });
      state.webhookReplies.push({ session, body: b });
      state.deliveries.push({
        at: Date.now(),
        kind: "webhook",
        target: `session:${session}`,
        messageId: "",
        content: b,
      });
      return json(res, 200, { errcode: 0, errmsg: "ok" });
    }
    if (method === "POST" && path === "/topapi/v2/user/getbymobile") {
      if (!oldTokens.has(url.searchParams.get("access_token") ?? ""))
        return json(res, 200, { errcode: 40014, errmsg: "不合法的access_token" });
      const staffId = options.members?.[String(b.mobile ?? "")];
      if (!/^1\d{10}$/.test(String(b.mobile ?? "")))
        return json(res, 200, { errcode: 40104, errmsg: "手机号码在企业内无效" });
      return staffId
        ? json(res, 200, { errcode: 0, errmsg: "ok", result: { userid: staffId }, request_id: "r1" })
        : json(res, 200, { errcode: 60121, errmsg: "找不到该用户" });
    }
    if (!path.startsWith("/v1.0/")) return json(res, 404, { code: "notFound", message: path });
    if (!tokens.has(headers["x-acs-dingtalk-access-token"] ?? "")) {
      return json(res, 400, { code: "InvalidAuthentication", message: "不合法的access_token" });
    }
    if (method === "POST" && path === "/v1.0/robot/groupMessages/send") {
      if (!b.robotCode || !b.openConversationId || !b.msgKey || typeof b.msgParam !== "string") {
        return json(res, 400, { code: "param.invalid", message: "缺少参数" });
      }
      const processQueryKey = `pqk_${randomBytes(8).toString("hex")}`;
      state.groupMessages.push({ ...b, param: JSON.parse(b.msgParam), processQueryKey });
      state.deliveries.push({
        at: Date.now(),
        kind: "group",
        target: b.openConversationId,
        messageId: processQueryKey,
        content: JSON.parse(b.msgParam),
      });
      return json(res, 200, { processQueryKey });
    }
    if (method === "POST" && path === "/v1.0/robot/oToMessages/batchSend") {
      if (
        !b.robotCode ||
        !Array.isArray(b.userIds) ||
        b.userIds.length === 0 ||
        b.userIds.length > 20 ||
        typeof b.msgParam !== "string"
      ) {
        return json(res, 400, { code: "param.invalid", message: "userIds 为 1–20 个" });
      }
      const invalid = b.userIds.filter((u: string) => state.invalidUsers.has(u));
      const limited = b.userIds.filter((u: string) => state.flowControlledUsers.has(u));
      const delivered = b.userIds.filter((u: string) => !invalid.includes(u) && !limited.includes(u));
      const processQueryKey = `pqk_${randomBytes(8).toString("hex")}`;
      state.batchSends.push({ userIds: [...b.userIds], delivered, invalid, flowControlled: limited });
      if (delivered.length)
        state.otoMessages.push({ ...b, userIds: delivered, param: JSON.parse(b.msgParam), processQueryKey });
      for (const user of delivered)
        state.deliveries.push({
          at: Date.now(),
          kind: "oto",
          target: user,
          messageId: processQueryKey,
          content: JSON.parse(b.msgParam),
        });
      return json(res, 200, {
        processQueryKey,
        invalidStaffIdList: invalid,
        flowControlledStaffIdList: limited,
      });
    }
    if (method === "POST" && path === "/v1.0/card/instances/createAndDeliver")
      return createAndDeliver(b, res);
    if (method === "PUT" && path === "/v1.0/card/instances") {
      const card = state.cards.get(b.outTrackId);
      if (!card) return json(res, 400, { code: "param.cardNotExist", message: "param.cardNotExist" });
      if (!isStringMap(b.cardData?.cardParamMap))
        return json(res, 400, { code: "param.cardDataAndPrivateDataBothEmpty", message: "empty" });
      card.updates.push(b);
      card.data = b.cardUpdateOptions?.updateCardDataByKey
        ? { ...card.data, ...b.cardData.cardParamMap }
        : { ...b.cardData.cardParamMap };
      state.deliveries.push({
        at: Date.now(),
        kind: "update",
        target: String(card.request.openSpaceId ?? "").replace(/^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\./i, ""),
        messageId: b.outTrackId,
        content: { ...card.data },
      });
      return json(res, 200, { success: true, result: true });
    }
    if (method === "POST" && path === "/v1.0/card/callbacks/register") {
      if (!b.callbackRouteKey)
        return json(res, 400, {
          code: "param.callbackRouteKeyEmpty",
          message: "param.callbackRouteKeyEmpty",
        });
      if (!b.callbackUrl)
        return json(res, 400, { code: "param.callbackUrlEmpty", message: "param.callbackUrlEmpty" });
      const earlier = state.registrations.get(b.callbackRouteKey);
      if (!earlier || b.forceUpdate) state.registrations.set(b.callbackRouteKey, b);
      const now = state.registrations.get(b.callbackRouteKey)!;
      return json(res, 200, {
        success: true,
        result: { callbackUrl: now.callbackUrl, apiSecret: now.apiSecret },
      });
    }
    return json(res, 404, { code: "notFound", message: path });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const body = parseBody(await readBody(req), headers["content-type"]);
    const b = (body && typeof body === "object" ? body : {}) as Record<string, any>;
    const call: RecordedCall = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      status: undefined,
      at: Date.now(),
    };
    state.calls.push(call);
    const isTokenCall = url.pathname === "/v1.0/oauth2/accessToken" || url.pathname === "/gettoken";
    const faulted = isTokenCall ? undefined : applyFault(url.pathname, res);
    if (faulted === "hang") return;
    call.status = faulted ?? route(call.method, url, headers, b, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    appKey,
    appSecret,
    config(overrides: Partial<DingTalkConfig> = {}): DingTalkConfig {
      return {
        appKey,
        appSecret,
        robotCode: appKey,
        cardTemplateId: "tpl-zhibu-generic.schema",
        cardCallbackSecret: "card_secret_zhibu",
        cardCallbackRouteKey: "zhibu",
        apiBase: base,
        oapiBase: base,
        monthlyQuota: 5000,
        ...overrides,
      };
    },
    get calls() {
      return state.calls;
    },
    callsTo(path: string) {
      return state.calls.filter((c) => c.path === path);
    },
    get groupMessages() {
      return state.groupMessages;
    },
    get otoMessages() {
      return state.otoMessages;
    },
    /** Every batchSend call answered 200, in order (a faulted call is in `callsTo` only). */
    get batchSends() {
      return state.batchSends;
    },
    /** Everything that reached a chat or person, in order (see FakeDelivery). */
    get deliveries() {
      return state.deliveries;
    },
    get webhookReplies() {
      return state.webhookReplies;
    },
    get cards() {
      return state.cards;
    },
    get registrations() {
      return state.registrations;
    },
    get tokensIssued() {
      return state.tokensIssued;
    },
    /** Users batchSend reports as invalid / flow-controlled. */
    invalidUsers: state.invalidUsers,
    flowControlledUsers: state.flowControlledUsers,
    undeliverable: state.undeliverable,
    /** A session webhook URL on this fake, valid until `expiresAt` (ms). */
    sessionWebhook(expiresAt: number): string {
      const id = randomBytes(8).toString("hex");
      sessions.set(id, expiresAt);
      return `${base}/robot/sendBySession?session=${id}`;
    },
    /**
     * The next `count` calls whose path starts with `endpoint` (any path if omitted) get `fault`,
     * after `skip` such calls have gone through normally.
     */
    failNext(count: number, fault: DingTalkFault, endpoint?: string, skip = 0) {
      for (let i = 0; i < count; i++) faults.push({ endpoint, fault, skip: i === 0 ? skip : 0 });
    },
    /** Forgets what was sent (calls, messages, deliveries) but keeps the cards, so they can still be updated. */
    clearRecords() {
      state.calls = [];
      state.groupMessages = [];
      state.otoMessages = [];
      state.batchSends = [];
      state.webhookReplies = [];
      state.deliveries = [];
      for (const card of state.cards.values()) card.updates = [];
    },
    expireTokens() {
      tokens.clear();
      oldTokens.clear();
    },
    reset() {
      state.calls = [];
      state.groupMessages = [];
      state.otoMessages = [];
      state.batchSends = [];
      state.webhookReplies = [];
      state.deliveries = [];
      state.cards.clear();
      state.registrations.clear();
      state.invalidUsers.clear();
      state.flowControlledUsers.clear();
      state.undeliverable.clear();
      faults.length = 0;
    },
    close() {
      for (const res of hanging) res.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
