import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFeishuClient, feishuUuid } from "../../../src/platforms/feishu/client.ts";
import { type CardView, PlatformSendError } from "../../../src/platforms/types.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../../fakes/feishu-openapi.ts";

const card: CardView = {
  header: { title: "支部委员会会议", tone: "blue" },
  blocks: [
    { type: "fields", fields: [{ label: "时间", value: "11月20日 14:30" }] },
    {
      type: "buttons",
      buttons: [{ label: "签到", value: { action: "sign_in", meeting: "m1" }, style: "primary" }],
    },
  ],
};

let fake: FakeFeishuOpenApi;
beforeAll(async () => {
  fake = await startFakeFeishuOpenApi();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const bearer = (i: number) => fake.calls.filter((c) => c.path.includes("/im/"))[i]?.headers.authorization;

describe("Feishu client against the fake OpenAPI (real SDK, real HTTP)", () => {
  it("fetches a tenant token once and sends text to a chat with a uuid derived from our key", async () => {
    const client = createFeishuClient(fake.config());
    const first = await client.send(
      { type: "chat", id: "oc_a" },
      { kind: "text", text: "你好" },
      { idempotencyKey: "t1" },
    );
    await client.send({ type: "chat", id: "oc_a" }, { kind: "text", text: "再见" }, { idempotencyKey: "t2" });

    expect(fake.messages).toHaveLength(2);
    const [m] = fake.messages;
    expect(m).toMatchObject({
      messageId: first.messageId,
      receiveIdType: "chat_id",
      receiveId: "oc_a",
      msgType: "text",
      parsed: { text: "你好" },
      uuid: feishuUuid("t1"),
    });
    expect(m!.headers.authorization).toMatch(/^Bearer t-/);
    expect(fake.calls.filter((c) => c.path.endsWith("/tenant_access_token/internal"))).toHaveLength(1);
  });

  it("sends a card to a person as JSON 2.0 with update_multi, and patches it later", async () => {
    const client = createFeishuClient(fake.config());
    const { messageId } = await client.send(
      { type: "user", id: "ou_x" },
      { kind: "card", card },
      { idempotencyKey: "c1" },
    );
    const sent = fake.messages[0]!;
    expect(sent.receiveIdType).toBe("open_id");
    expect(sent.msgType).toBe("interactive");
    expect(sent.parsed).toMatchObject({ schema: "2.0", config: { update_multi: true } });

    await client.updateCard(messageId, { ...card, header: { title: "会议已结束", tone: "grey" } });
    expect(fake.patches).toHaveLength(1);
    expect(fake.patches[0]).toMatchObject({
      messageId,
      parsed: { schema: "2.0", header: { title: { content: "会议已结束" }, template: "grey" } },
    });
  });

  it("a retried send with the same idempotency key never posts twice", async () => {
    const client = createFeishuClient(fake.config());
    const target = { type: "chat" as const, id: "oc_b" };
    const a = await client.send(target, { kind: "text", text: "提醒" }, { idempotencyKey: "same" });
    const b = await client.send(target, { kind: "text", text: "提醒" }, { idempotencyKey: "same" });
    expect(b.messageId).toBe(a.messageId);
    expect(fake.messages).toHaveLength(1);
    expect(fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages")).toHaveLength(2);
  });

  it("expired token: drops the cached token, fetches a new one and retries once", async () => {
    const client = createFeishuClient(fake.config());
    await client.send({ type: "chat", id: "oc_c" }, { kind: "text", text: "一" }, { idempotencyKey: "e1" });
    const tokensBefore = fake.tokensIssued;
    fake.failNext(1, { type: "token_expired" });

    await client.send({ type: "chat", id: "oc_c" }, { kind: "text", text: "二" }, { idempotencyKey: "e2" });

    expect(fake.messages.map((m) => m.parsed)).toEqual([{ text: "一" }, { text: "二" }]);
    expect(fake.tokensIssued).toBe(tokensBefore + 1);
    const imCalls = fake.calls.filter((c) => c.path.includes("/im/"));
    expect(imCalls.map((c) => c.status)).toEqual([200, 400, 200]);
    expect((imCalls[1]!.response as { code: number }).code).toBe(99991663);
    // The retry carried the new token, not the rejected one.
    expect(bearer(2)).not.toBe(bearer(1));
  });

  it("a token rejected twice in a row is reported with Feishu's code, not retried forever", async () => {
    const client = createFeishuClient(fake.config());
    fake.failNext(2, { type: "token_expired" });
    const error = await client
      .send({ type: "chat", id: "oc_c" }, { kind: "text", text: "x" }, { idempotencyKey: "e3" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformSendError);
    expect((error as PlatformSendError).details.code).toBe(99991663);
    expect((error as Error).message).toContain("99991663");
    expect(fake.messages).toHaveLength(0);
  });

  it("429: waits as long as x-ogw-ratelimit-reset says, then succeeds", async () => {
    const client = createFeishuClient(fake.config());
    fake.failNext(1, { type: "rate_limit", resetSeconds: 1 });
    const started = Date.now();
    await client.send(
      { type: "chat", id: "oc_d" },
      { kind: "text", text: "限流后" },
      { idempotencyKey: "r1" },
    );
    const imCalls = fake.calls.filter((c) => c.path.includes("/im/"));
    expect(imCalls.map((c) => c.status)).toEqual([429, 200]);
    expect(imCalls[1]!.at - imCalls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.messages).toHaveLength(1);
  });

  it("a rate limit longer than the client will wait comes back as retryable with retryAfterMs", async () => {
    const slept: number[] = [];
    const client = createFeishuClient(fake.config(), {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    fake.failNext(1, { type: "rate_limit", resetSeconds: 60 });
    const error = (await client
      .send({ type: "chat", id: "oc_d" }, { kind: "text", text: "x" }, { idempotencyKey: "r2" })
      .catch((e: unknown) => e)) as PlatformSendError;
    expect(error).toBeInstanceOf(PlatformSendError);
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ code: 99991400, status: 429, retryAfterMs: 60_000 });
    expect(slept).toEqual([]);
  });

  it("5xx is retryable; a Feishu business error is not, and carries code and message", async () => {
    const client = createFeishuClient(fake.config());
    fake.failNext(1, { type: "server_error", status: 503 });
    const e1 = (await client
      .send({ type: "chat", id: "oc_e" }, { kind: "text", text: "x" }, { idempotencyKey: "s1" })
      .catch((e: unknown) => e)) as PlatformSendError;
    expect(e1).toBeInstanceOf(PlatformSendError);
    expect(e1.retryable).toBe(true);
    expect(e1.details.status).toBe(503);

    fake.failNext(1, {
      type: "error",
      status: 400,
      code: 230002,
      msg: "Bot/User can NOT be out of the chat.",
    });
    const e2 = (await client
      .send({ type: "chat", id: "oc_e" }, { kind: "text", text: "x" }, { idempotencyKey: "s2" })
      .catch((e: unknown) => e)) as PlatformSendError;
    expect(e2.retryable).toBe(false);
    expect(e2.details.code).toBe(230002);
    expect(e2.message).toContain("230002");
    expect(e2.message).toContain("Bot/User can NOT be out of the chat.");
  });

  it("an unreachable Feishu is a retryable failure", async () => {
    const closed = await startFakeFeishuOpenApi();
    const config = closed.config();
    await closed.close();
    const client = createFeishuClient(config);
    const error = (await client
      .send({ type: "chat", id: "oc_f" }, { kind: "text", text: "x" }, { idempotencyKey: "n1" })
      .catch((e: unknown) => e)) as PlatformSendError;
    expect(error).toBeInstanceOf(PlatformSendError);
    expect(error.retryable).toBe(true);
  });

  it("a call that hangs is given up after the timeout as retryable, and its request is ended", async () => {
    const client = createFeishuClient(fake.config(), { callTimeoutMs: 400 });
    // A token first, so the hang is the message call's own.
    await client.send({ type: "chat", id: "oc_h" }, { kind: "text", text: "前" }, { idempotencyKey: "h0" });
    fake.failNext(1, { type: "hang" });
    const started = Date.now();
    const error = (await client
      .send({ type: "chat", id: "oc_h" }, { kind: "text", text: "挂起" }, { idempotencyKey: "h1" })
      .catch((e: unknown) => e)) as PlatformSendError;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(PlatformSendError);
    expect(error.retryable).toBe(true);
    expect(error.details.code).toBe("timeout");
    expect(error.message).toContain("无响应");
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(3000);
    // The hung request reached Feishu, and the client closed it rather than leaving it open.
    expect(fake.calls.filter((c) => c.status === 0)).toHaveLength(1);
    for (let i = 0; i < 100 && fake.hanging > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.hanging).toBe(0);
    // The retry (same key, so the same uuid) goes through.
    await client.send({ type: "chat", id: "oc_h" }, { kind: "text", text: "挂起" }, { idempotencyKey: "h1" });
    expect(fake.messagesTo("oc_h").map((m) => m.parsed)).toEqual([{ text: "前" }, { text: "挂起" }]);
  });

  it("the timeout is this client's own: the SDK's shared instance and other clients keep theirs", async () => {
    const { defaultHttpInstance } = await import("@larksuiteoapi/node-sdk");
    createFeishuClient(fake.config(), { callTimeoutMs: 50 });
    expect(defaultHttpInstance.defaults.timeout ?? 0).toBe(0);
    // Another client with the default 10 s waits out a slow (not hung) answer of a second.
    const other = createFeishuClient(fake.config());
    fake.failNext(1, { type: "hang" }, { receiveId: "oc_slow" });
    const hung = other
      .send({ type: "chat", id: "oc_slow" }, { kind: "text", text: "x" }, { idempotencyKey: "h2" })
      .catch((e: unknown) => e);
    const fine = await other.send(
      { type: "chat", id: "oc_fine" },
      { kind: "text", text: "y" },
      { idempotencyKey: "h3" },
    );
    expect(fine.messageId).toMatch(/^om_/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.hanging).toBe(1);
    await fake.close();
    fake = await startFakeFeishuOpenApi();
    expect(await hung).toBeInstanceOf(PlatformSendError);
  });

  it("keeps to 5 messages per second per chat without slowing other chats", async () => {
    const client = createFeishuClient(fake.config());
    const started = Date.now();
    const busy = Array.from({ length: 7 }, (_, i) =>
      client.send(
        { type: "chat", id: "oc_busy" },
        { kind: "text", text: `${i}` },
        { idempotencyKey: `b${i}` },
      ),
    );
    const other = client
      .send({ type: "chat", id: "oc_quiet" }, { kind: "text", text: "q" }, { idempotencyKey: "q" })
      .then(() => Date.now() - started);
    const quietElapsed = await other;
    await Promise.all(busy);

    const at = fake.messagesTo("oc_busy").map((m) => m.at);
    expect(at).toHaveLength(7);
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThanOrEqual(900);
    expect(quietElapsed).toBeLessThan(800);
  });
});
