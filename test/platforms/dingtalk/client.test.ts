import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderCard } from "../../../src/platforms/dingtalk/cards.ts";
import {
  createDingTalkClient,
  type DingTalkClientOptions,
  dingtalkOutTrackId,
  FLOW_CONTROL_RETRY_MS,
  MAX_MSG_PARAM_BYTES,
} from "../../../src/platforms/dingtalk/client.ts";
import { nextMonthStart } from "../../../src/platforms/dingtalk/errors.ts";
import type { ApiCallInfo, DingTalkEndpoint } from "../../../src/platforms/dingtalk/http.ts";
import { type CardView, PlatformSendError } from "../../../src/platforms/types.ts";
import { type FakeDingTalkOpenApi, startFakeDingTalkOpenApi } from "../../fakes/dingtalk-openapi.ts";

const card: CardView = {
  header: { title: "签到：主题党日", tone: "green" },
  blocks: [
    { type: "markdown", text: "已签到 **0**/应到 12" },
    {
      type: "buttons",
      buttons: [{ label: "签到", style: "primary", value: { action: "meeting.sign_in", meeting: "m1" } }],
    },
  ],
};

let fake: FakeDingTalkOpenApi;
beforeAll(async () => {
  fake = await startFakeDingTalkOpenApi();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const noSleep = { sleep: async () => {} };
const client = (options: DingTalkClientOptions = {}, config = fake.config()) =>
  createDingTalkClient(config, options);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as PlatformSendError,
  );

describe("DingTalk client: token", () => {
  it("fetches one token, sends it in x-acs-dingtalk-access-token, and reuses it", async () => {
    const before = fake.tokensIssued;
    const c = client();
    await Promise.all([
      c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "一" }, { idempotencyKey: "k1" }),
      c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "二" }, { idempotencyKey: "k2" }),
    ]);
    expect(fake.tokensIssued).toBe(before + 1);
    expect(fake.callsTo("/v1.0/oauth2/accessToken")[0]?.body).toEqual({
      appKey: fake.appKey,
      appSecret: fake.appSecret,
    });
    const sends = fake.callsTo("/v1.0/robot/groupMessages/send");
    expect(sends.map((s) => s.headers["x-acs-dingtalk-access-token"])).toEqual([
      expect.any(String),
      sends[0]?.headers["x-acs-dingtalk-access-token"],
    ]);
  });

  it("refreshes the token before it expires", async () => {
    let now = Date.parse("2026-11-20T02:00:00Z");
    const c = client({ now: () => new Date(now) });
    await c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "a" }, { idempotencyKey: "r1" });
    now += (7200 - 301) * 1000;
    await c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "b" }, { idempotencyKey: "r2" });
    expect(fake.callsTo("/v1.0/oauth2/accessToken")).toHaveLength(1);
    now += 2000;
    await c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "c" }, { idempotencyKey: "r3" });
    expect(fake.callsTo("/v1.0/oauth2/accessToken")).toHaveLength(2);
  });

  it("an auth error drops the token and retries once with a new one", async () => {
    const c = client();
    await c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "a" }, { idempotencyKey: "e1" });
    fake.failNext(1, { type: "token_expired" }, "/v1.0/robot");
    await c.send({ type: "chat", id: "cidA" }, { kind: "text", text: "b" }, { idempotencyKey: "e2" });
    const sends = fake.callsTo("/v1.0/robot/groupMessages/send");
    expect(sends.map((s) => s.status)).toEqual([200, 400, 200]);
    expect(sends[2]?.headers["x-acs-dingtalk-access-token"]).not.toBe(
      sends[1]?.headers["x-acs-dingtalk-access-token"],
    );
    expect(fake.groupMessages).toHaveLength(2);
  });

  it("a token rejected twice is a permanent failure naming the code", async () => {
    fake.failNext(2, { type: "token_expired" }, "/v1.0/robot");
    const e = await failure(
      client().send({ type: "chat", id: "cidA" }, { kind: "text", text: "x" }, { idempotencyKey: "e3" }),
    );
    expect(e).toBeInstanceOf(PlatformSendError);
    expect(e).toMatchObject({ retryable: false, details: { code: "InvalidAuthentication", status: 400 } });
    expect(e?.message).toContain("InvalidAuthentication");
  });

  it("wrong credentials: a permanent failure", async () => {
    const e = await failure(
      client({}, fake.config({ appSecret: "wrong" })).send(
        { type: "chat", id: "c" },
        { kind: "text", text: "x" },
        { idempotencyKey: "w" },
      ),
    );
    expect(e).toMatchObject({ retryable: false, details: { code: "invalidClientIdOrSecret" } });
  });
});

describe("DingTalk client: robot messages", () => {
  it("sends sampleText and sampleMarkdown to a group with msgParam as a JSON string", async () => {
    const c = client();
    const r = await c.send(
      { type: "chat", id: "cidG" },
      { kind: "text", text: "明天开会" },
      { idempotencyKey: "t1" },
    );
    await c.sendRobotMessage(
      { type: "chat", id: "cidG" },
      { msgKey: "sampleMarkdown", title: "提醒", text: "**明天**开会" },
    );
    expect(
      fake.groupMessages.map(({ robotCode, openConversationId, msgKey, msgParam }) => ({
        robotCode,
        openConversationId,
        msgKey,
        msgParam,
      })),
    ).toEqual([
      {
        robotCode: fake.appKey,
        openConversationId: "cidG",
        msgKey: "sampleText",
        msgParam: '{"content":"明天开会"}',
      },
      {
        robotCode: fake.appKey,
        openConversationId: "cidG",
        msgKey: "sampleMarkdown",
        msgParam: '{"title":"提醒","text":"**明天**开会"}',
      },
    ]);
    expect(r.messageId).toBe(fake.groupMessages[0]?.processQueryKey);
  });

  it("a text longer than msgParam's 15,000 bytes is cut and says so", async () => {
    await client().send(
      { type: "chat", id: "cidG" },
      { kind: "text", text: "很长".repeat(5000) },
      { idempotencyKey: "long" },
    );
    const sent = fake.groupMessages[0]!;
    expect(new TextEncoder().encode(sent.msgParam).length).toBeLessThanOrEqual(MAX_MSG_PARAM_BYTES);
    expect(sent.param.content).toMatch(/^很长很长.*…（已截断）$/);
  });

  it("a private message goes through batchSend; an invalid user is permanent, a flow-controlled one retryable", async () => {
    const c = client();
    await c.send({ type: "user", id: "u1" }, { kind: "text", text: "请签到" }, { idempotencyKey: "p1" });
    expect(fake.otoMessages[0]).toMatchObject({
      userIds: ["u1"],
      msgKey: "sampleText",
      param: { content: "请签到" },
    });

    fake.invalidUsers.add("gone");
    const e1 = await failure(
      c.send({ type: "user", id: "gone" }, { kind: "text", text: "x" }, { idempotencyKey: "p2" }),
    );
    expect(e1).toMatchObject({ retryable: false, details: { code: "invalidStaffId" } });

    fake.flowControlledUsers.add("busy");
    const e2 = await failure(
      c.send({ type: "user", id: "busy" }, { kind: "text", text: "x" }, { idempotencyKey: "p3" }),
    );
    expect(e2).toMatchObject({
      retryable: true,
      details: { code: "flowControlled", retryAfterMs: FLOW_CONTROL_RETRY_MS },
    });
  });

  it("batchSend: one call per 20 members, invalid and flow-controlled members reported", async () => {
    const users = Array.from({ length: 45 }, (_, i) => `u${i}`);
    fake.invalidUsers.add("u3");
    fake.flowControlledUsers.add("u40");
    const r = await client().batchSend(users, { msgKey: "sampleText", content: "请于 14:30 前签到" });
    expect(
      fake.callsTo("/v1.0/robot/oToMessages/batchSend").map((c) => (c.body as any).userIds.length),
    ).toEqual([20, 20, 5]);
    expect(r.processQueryKeys).toHaveLength(3);
    expect(r.invalidUserIds).toEqual(["u3"]);
    expect(r.flowControlledUserIds).toEqual(["u40"]);
    expect(fake.otoMessages.flatMap((m) => m.userIds)).toHaveLength(43);
  });
});

describe("DingTalk client: a batch that fails halfway", () => {
  it("reports who was not sent to, so a retry does not post twice to the first 20", async () => {
    const users = Array.from({ length: 45 }, (_, i) => `u${i}`);
    fake.failNext(1, { type: "server_error" }, "/v1.0/robot/oToMessages", 1);
    const r = await client().batchSend(users, { msgKey: "sampleText", content: "提醒" });
    expect(r.processQueryKeys).toHaveLength(1);
    expect(fake.otoMessages.flatMap((m) => m.userIds)).toEqual(users.slice(0, 20));
    expect(r.unsent?.userIds).toEqual(users.slice(20));
    expect(r.unsent?.error).toMatchObject({ retryable: true, details: { status: 500 } });
  });
});

describe("DingTalk client: session webhook replies", () => {
  it("replies through a valid session webhook without touching the OpenAPI", async () => {
    const url = fake.sessionWebhook(Date.now() + 90 * 60_000);
    const r = await client().send(
      { type: "chat", id: "cidG" },
      { kind: "text", text: "收到" },
      {
        idempotencyKey: "w1",
        replyHandle: { platform: "dingtalk", url, expiresAt: Date.now() + 90 * 60_000 },
      },
    );
    expect(fake.webhookReplies).toEqual([
      { session: expect.any(String), body: { msgtype: "text", text: { content: "收到" } } },
    ]);
    expect(fake.groupMessages).toHaveLength(0);
    expect(fake.callsTo("/v1.0/oauth2/accessToken")).toHaveLength(0);
    expect(r.messageId).toMatch(/^session_/);
  });

  it("a session webhook that hangs times out as retryable, without posting again through the OpenAPI", async () => {
    const url = fake.sessionWebhook(Date.now() + 3_600_000);
    fake.failNext(1, { type: "hang" }, "/robot/sendBySession");
    const e = await failure(
      client({ timeoutMs: 300 }).send(
        { type: "chat", id: "cidG" },
        { kind: "text", text: "收到" },
        {
          idempotencyKey: "w4",
          replyHandle: { platform: "dingtalk", url, expiresAt: Date.now() + 3_600_000 },
        },
      ),
    );
    expect(e).toMatchObject({ retryable: true });
    expect(fake.groupMessages).toHaveLength(0);
  });

  it("an expired handle, or a webhook that refuses, falls back to the OpenAPI", async () => {
    const c = client();
    const past = {
      platform: "dingtalk" as const,
      url: fake.sessionWebhook(Date.now() + 3_600_000),
      expiresAt: Date.now() - 1,
    };
    await c.send(
      { type: "chat", id: "cidG" },
      { kind: "text", text: "a" },
      { idempotencyKey: "w2", replyHandle: past },
    );
    expect(fake.calls.filter((x) => x.path === "/robot/sendBySession")).toHaveLength(0);
    const refused = {
      platform: "dingtalk" as const,
      url: fake.sessionWebhook(Date.now() - 1),
      expiresAt: Date.now() + 3_600_000,
    };
    await c.send(
      { type: "chat", id: "cidG" },
      { kind: "text", text: "b" },
      { idempotencyKey: "w3", replyHandle: refused },
    );
    expect(fake.calls.filter((x) => x.path === "/robot/sendBySession").map((x) => x.status)).toEqual([200]);
    expect(fake.groupMessages.map((m) => m.param.content)).toEqual(["a", "b"]);
  });
});

describe("DingTalk client: cards", () => {
  it("creates and delivers to a group: template, outTrackId from our key, HTTP callback, IM_GROUP space", async () => {
    const r = await client().send(
      { type: "chat", id: "cidG" },
      { kind: "card", card },
      { idempotencyKey: "card-1" },
    );
    expect(r.messageId).toBe(dingtalkOutTrackId("card-1"));
    const created = fake.cards.get(r.messageId)!;
    expect(created.request).toMatchObject({
      cardTemplateId: "tpl-zhibu-generic.schema",
      outTrackId: r.messageId,
      callbackType: "HTTP",
      callbackRouteKey: "zhibu",
      openSpaceId: "dtv1.card//IM_GROUP.cidG",
      imGroupOpenDeliverModel: { robotCode: fake.appKey },
      imGroupOpenSpaceModel: { supportForward: false, lastMessageI18n: { ZH_CN: "签到：主题党日" } },
    });
    expect(created.data).toEqual(renderCard(card).params);
  });

  it("delivers to one member through IM_ROBOT", async () => {
    const r = await client().send(
      { type: "user", id: "u9" },
      { kind: "card", card },
      { idempotencyKey: "card-2" },
    );
    expect(fake.cards.get(r.messageId)?.request).toMatchObject({
      openSpaceId: "dtv1.card//IM_ROBOT.u9",
      imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: fake.appKey },
    });
  });

  for (const dedup of ["error", "silent"] as const) {
    it(`a retried send never posts twice (repeat answered ${dedup === "error" ? "param.cardAlreadyExist" : "silently"})`, async () => {
      const own = await startFakeDingTalkOpenApi({ cardDedup: dedup });
      try {
        const c = createDingTalkClient(own.config());
        const a = await c.send(
          { type: "chat", id: "cidG" },
          { kind: "card", card },
          { idempotencyKey: "same" },
        );
        const b = await c.send(
          { type: "chat", id: "cidG" },
          { kind: "card", card },
          { idempotencyKey: "same" },
        );
        expect(b).toEqual(a);
        expect(own.cards.size).toBe(1);
        expect(own.callsTo("/v1.0/card/instances/createAndDeliver").map((x) => x.status)).toEqual([
          200,
          dedup === "error" ? 400 : 200,
        ]);
      } finally {
        await own.close();
      }
    });
  }

  it("updates by key: only the given variables change; updateCard sends every slot", async () => {
    const c = client();
    const { messageId } = await c.send(
      { type: "chat", id: "cidG" },
      { kind: "card", card },
      { idempotencyKey: "card-3" },
    );
    await c.updateCardData(messageId, { s1_md: "已签到 **5**/应到 12" });
    const stored = fake.cards.get(messageId)!;
    expect(stored.updates[0]).toEqual({
      outTrackId: messageId,
      cardData: { cardParamMap: { s1_md: "已签到 **5**/应到 12" } },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
    expect(stored.data).toEqual({ ...renderCard(card).params, s1_md: "已签到 **5**/应到 12" });

    const closed: CardView = {
      header: { title: "会议已结束", tone: "grey" },
      blocks: [{ type: "note", text: "签到已截止" }],
    };
    await c.updateCard(messageId, closed);
    expect(stored.data).toEqual(renderCard(closed).params);
  });

  it("a card created but not delivered is a permanent failure (a retry would look like success)", async () => {
    fake.undeliverable.add("cidGone");
    const e = await failure(
      client().send({ type: "chat", id: "cidGone" }, { kind: "card", card }, { idempotencyKey: "gone" }),
    );
    expect(e).toMatchObject({ retryable: false, details: { code: "deliverFailed" } });
    expect(e?.message).toContain("机器人不在群内");
  });

  it("no template configured: a permanent failure naming the variable", async () => {
    const e = await failure(
      client({}, fake.config({ cardTemplateId: undefined })).send(
        { type: "chat", id: "c" },
        { kind: "card", card },
        { idempotencyKey: "n" },
      ),
    );
    expect(e).toMatchObject({ retryable: false });
    expect(e?.message).toContain("DINGTALK_CARD_TEMPLATE_ID");
  });

  it("registering without force keeps someone else's URL and says so; with force it is replaced", async () => {
    const c = client();
    expect(await c.registerCardCallback("https://old.example.gov.cn/cb")).toEqual({
      callbackUrl: "https://old.example.gov.cn/cb",
      current: true,
    });
    expect(await c.registerCardCallback("https://new.example.gov.cn/cb")).toEqual({
      callbackUrl: "https://old.example.gov.cn/cb",
      current: false,
    });
    expect(
      await c.registerCardCallback("https://new.example.gov.cn/cb", { forceUpdate: true }),
    ).toMatchObject({ current: true });
  });

  it("registers the card callback URL with our route key and secret", async () => {
    await client().registerCardCallback("https://zhibu.example.gov.cn/dingtalk/card", { forceUpdate: true });
    expect(fake.registrations.get("zhibu")).toEqual({
      callbackRouteKey: "zhibu",
      callbackUrl: "https://zhibu.example.gov.cn/dingtalk/card",
      apiSecret: "card_secret_zhibu",
      forceUpdate: true,
    });
  });
});

describe("DingTalk client: limits and failures", () => {
  const send = (c = client(noSleep), key = "f") =>
    c.send({ type: "chat", id: "cidG" }, { kind: "text", text: "x" }, { idempotencyKey: key });

  it("a QPS throttle (HTTP 403 QpsLimitForAppkeyAndApi) is waited out for a second, then succeeds", async () => {
    const slept: number[] = [];
    fake.failNext(1, { type: "throttle" }, "/v1.0/robot");
    await send(client({ sleep: async (ms) => void slept.push(ms) }));
    expect(slept).toContain(1000);
    expect(fake.callsTo("/v1.0/robot/groupMessages/send").map((c) => c.status)).toEqual([403, 200]);
  });

  it("throttling that outlasts the retries: retryable with retryAfterMs (429 with Retry-After)", async () => {
    fake.failNext(1, { type: "http429", retryAfterSeconds: 30 }, "/v1.0/robot");
    const e = await failure(send());
    expect(e).toMatchObject({ retryable: true, details: { status: 429, retryAfterMs: 30_000 } });
    fake.failNext(3, { type: "throttle", code: "Forbidden.AccessDenied.QpsLimitForApi" }, "/v1.0/robot");
    const e2 = await failure(send());
    expect(e2).toMatchObject({
      retryable: true,
      details: { code: "Forbidden.AccessDenied.QpsLimitForApi", retryAfterMs: 1000 },
    });
  });

  it("monthly quota exhausted: retryable, held until the 1st of next month (Beijing time)", async () => {
    const now = new Date("2026-11-20T02:00:00Z");
    fake.failNext(1, { type: "quota" }, "/v1.0/card");
    const e = await failure(
      client({ ...noSleep, now: () => now }).send(
        { type: "chat", id: "c" },
        { kind: "card", card },
        { idempotencyKey: "q" },
      ),
    );
    expect(e).toMatchObject({
      retryable: true,
      details: { code: "Forbidden.AccessDenied.ApiCountLimitForOrg", status: 403 },
    });
    expect(now.getTime() + (e?.details.retryAfterMs ?? 0)).toBe(Date.parse("2026-11-30T16:00:00Z"));
    expect(e?.message).toContain("本月接口调用次数已用完");
    expect(nextMonthStart(new Date("2026-12-31T17:00:00Z")).toISOString()).toBe("2027-01-31T16:00:00.000Z");
  });

  it("a hung request times out as a retryable failure", async () => {
    fake.failNext(1, { type: "hang" }, "/v1.0/robot");
    const started = Date.now();
    const e = await failure(send(client({ timeoutMs: 300 })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e).toMatchObject({ retryable: true });
    expect(e?.message).toContain("请求超时");
  });

  it("5xx is retryable, 4xx permanent, the IP-ban page retryable after 5 minutes, no answer retryable", async () => {
    fake.failNext(1, { type: "server_error" }, "/v1.0/robot");
    expect(await failure(send())).toMatchObject({
      retryable: true,
      details: { status: 500, code: "system.busy" },
    });
    fake.failNext(
      1,
      { type: "error", status: 400, code: "param.invalid", message: "存在非法参数" },
      "/v1.0/robot",
    );
    const e = await failure(send());
    expect(e).toMatchObject({ retryable: false, details: { status: 400, code: "param.invalid" } });
    expect(e?.message).toContain("存在非法参数");
    fake.failNext(1, { type: "ip_ban" }, "/v1.0/robot");
    expect(await failure(send())).toMatchObject({
      retryable: true,
      details: { status: 403, retryAfterMs: 5 * 60_000 },
    });
    const gone = await startFakeDingTalkOpenApi();
    const config = gone.config();
    await gone.close();
    expect(await failure(send(client({}, config)))).toMatchObject({ retryable: true });
  });

  it("counts every call for the monthly tally; token calls and throttled calls do not count", async () => {
    const seen: [DingTalkEndpoint, ApiCallInfo][] = [];
    const c = client({ ...noSleep, onApiCall: (endpoint, info) => seen.push([endpoint, info]) });
    fake.failNext(1, { type: "throttle" }, "/v1.0/robot");
    await send(c, "count");
    await c.send({ type: "chat", id: "c" }, { kind: "card", card }, { idempotencyKey: "count-card" });
    expect(seen).toEqual([
      ["oauth2.accessToken", { status: 200, code: undefined, countsTowardQuota: false }],
      [
        "robot.groupMessages.send",
        { status: 403, code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", countsTowardQuota: false },
      ],
      ["robot.groupMessages.send", { status: 200, code: undefined, countsTowardQuota: true }],
      ["card.createAndDeliver", { status: 200, code: undefined, countsTowardQuota: true }],
    ]);
  });
});
