/**
 * End to end over real HTTP: requests built, encrypted and signed as Feishu does are posted to the
 * real Hono app on a real database; the bot's answers go through the real SDK to the fake OpenAPI.
 */
import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../../src/app/bot.ts";
import type { CardActionHandler } from "../../../src/app/card-actions.ts";
import type { FeatureModule } from "../../../src/app/feature.ts";
import { FEATURES } from "../../../src/app/features.ts";
import { createConfiguredScheduler } from "../../../src/app/scheduler-setup.ts";
import { type Config, loadConfig } from "../../../src/config.ts";
import * as schema from "../../../src/db/schema.ts";
import { createApp } from "../../../src/http/app.ts";
import { type BackgroundRunner, createBackgroundRunner } from "../../../src/lib/background.ts";
import { createKicker, type Kicker } from "../../../src/lib/kicker.ts";
import { silentLogger } from "../../../src/lib/logger.ts";
import { createAdapters } from "../../../src/platforms/create-adapters.ts";
import { createFeishuClient } from "../../../src/platforms/feishu/client.ts";
import type { FeishuConfig } from "../../../src/platforms/feishu/config.ts";
import {
  type FakeFeishuOpenApi,
  type FakeMessage,
  startFakeFeishuOpenApi,
} from "../../fakes/feishu-openapi.ts";
import { databaseTargets, type TestDatabase } from "../../support/databases.ts";
import {
  botAddedEvent,
  cardActionEvent,
  type FeishuRequestOptions,
  loadFeishuFixture,
  messageEvent,
  postFeishu,
  serveOnLocalhost,
} from "../../support/feishu-requests.ts";
import { importExampleRoster } from "../../support/roster.ts";

const encryptKey = "Zb8xQ2mK7pV4sT9w";
const verificationToken = "vt_zhibu_events_test";
const adminContact = "机关党委办公室（电话 6688 1234）";
const BOT = "支部助手";

// From examples/org.yaml
const LIU = { open: "ou_389e8786973da9733e3fcfb5deac2aef", code: "1001" }; // 办公室党支部 书记
const CAO = { open: "ou_10a9eac6e22bfb3f2ecb1b34c38c5852", code: "1005" }; // 办公室党支部 党员
const DING = { open: "ou_a9791e27c6920c1f515f8b01fb458554", code: "1007" }; // 党员, 机关党委工作人员 (admin)
const CUI = { open: "ou_a668c953ff49ca6635043331c3e81120", code: "1011" }; // 综合规划处党支部 书记
const STRANGER = "ou_ffffffffffffffffffffffffffffffff";
const BGS_CHAT = "oc_781e394dcaa70cab93af9dc0b5cfa3f0";

const text = (m: FakeMessage | undefined) => (m?.parsed as { text?: string } | undefined)?.text ?? "";
const cardJson = (m: FakeMessage | undefined) => JSON.stringify(m?.parsed ?? null);

describe.each(databaseTargets)("Feishu events on $name", (target) => {
  let t: TestDatabase;
  let fake: FakeFeishuOpenApi;
  let server: { url: string; close(): Promise<void> };
  let background: BackgroundRunner;
  let config: Config;
  let slowRelease: () => void = () => {};
  let bot: Bot;
  let idle: () => Promise<void> = async () => {};

  beforeAll(async () => {
    t = await target.create();
    await importExampleRoster(t.db);
    fake = await startFakeFeishuOpenApi();
    config = loadConfig({
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: encryptKey,
      FEISHU_VERIFICATION_TOKEN: verificationToken,
      FEISHU_DOMAIN: fake.url,
      ADMIN_CONTACT: adminContact,
    });
    background = createBackgroundRunner((error) => {
      throw error;
    });
    // A feature of the test's own, added to the list the way any feature is.
    const actions: Record<string, CardActionHandler> = {};
    actions["test.echo"] = async (ctx) => ({
      toast: { type: "success", text: `已记录：${ctx.member.name}` },
      card: {
        header: { title: "已签到", tone: "green" },
        blocks: [{ type: "markdown", text: ctx.member.name }],
      },
    });
    actions["test.slow"] = async (ctx) => {
      await new Promise<void>((resolve) => {
        slowRelease = resolve;
      });
      return {
        toast: { type: "success", text: "完成" },
        card: { header: { title: `慢操作完成：${ctx.member.name}`, tone: "grey" }, blocks: [] },
      };
    };
    const testFeature: FeatureModule = { name: "test", create: () => ({ actions }) };
    const platforms = await createAdapters(config, { logger: silentLogger, background });
    let dispatcher: Kicker | undefined;
    bot = createBot({
      db: t.db,
      config,
      logger: silentLogger,
      platforms,
      background,
      features: [...FEATURES, testFeature],
      cardActionBudgetMs: 500,
      dispatch: () => dispatcher?.kick(),
    });
    const scheduler = createConfiguredScheduler({
      config,
      db: t.db,
      logger: silentLogger,
      platforms,
      planners: bot.planners,
    });
    dispatcher = createKicker(
      () => scheduler.flush(),
      (error) => {
        throw error;
      },
    );
    idle = async () => {
      await background.drain();
      await bot.idle();
      await dispatcher?.idle();
    };
    const app = createApp({ config, database: t, logger: silentLogger, platforms, sink: bot.sink });
    server = await serveOnLocalhost(app);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await t?.close();
  });
  beforeEach(() => fake.reset());

  /** Posts like Feishu and waits for the work done after answering. */
  async function post(payload: Record<string, unknown>, options: FeishuRequestOptions = {}) {
    const res = await postFeishu(server.url, payload, { encryptKey, verificationToken, ...options });
    // The event stored, processed from the inbox, and its replies sent through the outbox.
    await idle();
    return res;
  }

  async function writes() {
    const [inbound] = await t.db.select({ n: count() }).from(schema.inboundEvents);
    const [audit] = await t.db.select({ n: count() }).from(schema.auditLog);
    const chats = await t.db.select().from(schema.branchChats).orderBy(asc(schema.branchChats.chatId));
    return { inbound: inbound?.n, audit: audit?.n, chats };
  }

  async function memberId(code: string) {
    const [m] = await t.db.select().from(schema.members).where(eq(schema.members.code, code));
    return m!.id;
  }

  async function chatOf(branchCode: string) {
    const [row] = await t.db
      .select({ chatId: schema.branchChats.chatId, boundBy: schema.branchChats.boundBy })
      .from(schema.branchChats)
      .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
      .where(and(eq(schema.branches.code, branchCode), eq(schema.branchChats.platform, "feishu")));
    return row;
  }

  it("answers the URL check, plain and encrypted, and refuses it with a wrong token", async () => {
    const challenge = loadFeishuFixture("url-verification");
    const plain = await post(challenge, { encrypt: false, sign: false });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ challenge: "ajls384kdjx98XX" });

    const encrypted = await post(challenge, { sign: false });
    expect(encrypted.status).toBe(200);
    expect(await encrypted.json()).toEqual({ challenge: "ajls384kdjx98XX" });

    const wrong = await post(challenge, { sign: false, verificationToken: "not-ours" });
    expect(wrong.status).toBe(401);
  });

  it("a bad signature is refused with 401 and changes nothing", async () => {
    const before = await writes();
    const bind = messageEvent({
      openId: LIU.open,
      chatId: "oc_forged",
      text: "绑定 办公室党支部",
      mentionBotAs: BOT,
    });
    const forged = await post(bind, { signature: "0".repeat(64) });
    expect(forged.status).toBe(401);
    const tampered = await post(bind, { tamper: (b) => `${b.slice(0, -1)} }` });
    expect(tampered.status).toBe(401);
    const unsigned = await post(bind, { sign: false });
    expect(unsigned.status).toBe(401);
    expect(await writes()).toEqual(before);
    expect(fake.calls).toEqual([]);
  });

  it("a timestamp more than 5 minutes old is refused, even when correctly signed", async () => {
    const before = await writes();
    const bind = messageEvent({
      openId: LIU.open,
      chatId: "oc_stale",
      text: "绑定 办公室党支部",
      mentionBotAs: BOT,
    });
    const res = await post(bind, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(await writes()).toEqual(before);
    expect(fake.calls).toEqual([]);
  });

  it("a wrong verification token is refused", async () => {
    const before = await writes();
    const bind = messageEvent({
      openId: LIU.open,
      chatId: "oc_token",
      text: "绑定 办公室党支部",
      mentionBotAs: BOT,
    });
    const res = await post(bind, { verificationToken: "vt_someone_else" });
    expect(res.status).toBe(401);
    expect(await writes()).toEqual(before);
  });

  it("@-mention 帮助 in a branch chat answers with the help card", async () => {
    const payload = messageEvent({ openId: CAO.open, chatId: BGS_CHAT, text: "帮助", mentionBotAs: BOT });
    const res = await post(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(fake.messages).toHaveLength(1);
    const [reply] = fake.messages;
    expect(reply).toMatchObject({ receiveIdType: "chat_id", receiveId: BGS_CHAT, msgType: "interactive" });
    expect(reply!.parsed).toMatchObject({
      schema: "2.0",
      config: { update_multi: true },
      header: { title: { content: "支部助手能做什么" }, subtitle: { content: "本群：办公室党支部" } },
    });
    expect(cardJson(reply)).toContain("绑定 &#60;支部名&#62;");
    const [seen] = await t.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.eventId, payload.header.event_id));
    expect(seen).toMatchObject({ platform: "feishu", eventType: "message" });
  });

  it("one-to-one, /help works without a mention; in a group, no mention means not for the bot", async () => {
    await post(messageEvent({ openId: CAO.open, chatId: "oc_p2p_cao", chatType: "p2p", text: "/help" }));
    expect(fake.messagesTo("oc_p2p_cao")).toHaveLength(1);
    expect(cardJson(fake.messagesTo("oc_p2p_cao")[0])).toContain("支部助手能做什么");

    const before = await writes();
    await post(messageEvent({ openId: CAO.open, chatId: BGS_CHAT, text: "大家下午好" }));
    expect(fake.messagesTo(BGS_CHAT)).toHaveLength(0);
    expect(await writes()).toEqual(before);
  });

  it("text it does not understand gets the help card, not silence", async () => {
    await post(messageEvent({ openId: CAO.open, chatId: BGS_CHAT, text: "今天开会吗", mentionBotAs: BOT }));
    expect(fake.messages).toHaveLength(1);
    expect(cardJson(fake.messages[0])).toContain("没有识别“今天开会吗”");
  });

  it("a redelivered event is answered 200 and processed once, even when both arrive together", async () => {
    const payload = messageEvent({ openId: CAO.open, chatId: "oc_dup", text: "帮助", mentionBotAs: BOT });
    const before = await writes();
    const [a, b] = await Promise.all([post(payload), post(payload)]);
    const c = await post(payload);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(fake.messagesTo("oc_dup")).toHaveLength(1);
    // Processed once, not merely deduplicated by Feishu's uuid: the API was called only once.
    expect(fake.calls.filter((call) => call.path === "/open-apis/im/v1/messages")).toHaveLength(1);
    expect((await writes()).inbound).toBe((before.inbound ?? 0) + 1);
  });

  it("the branch secretary moves the branch to a new group chat: asked first, then stored, audited, and the old chat told", async () => {
    const liu = await memberId(LIU.code);
    const unchanged = await writes();
    await post(
      messageEvent({ openId: LIU.open, chatId: "oc_new_bgs", text: "绑定 办公室党支部", mentionBotAs: BOT }),
    );
    // The branch already has a chat (from the roster): nothing moves until the secretary confirms.
    const question = fake.messagesTo("oc_new_bgs")[0];
    expect(cardJson(question)).toContain("改绑「办公室党支部」的工作群？");
    expect(cardJson(question)).toContain('"action":"chat.rebind"');
    expect(await writes()).toEqual({ ...unchanged, inbound: (unchanged.inbound ?? 0) + 1 });

    const [bgs] = await t.db.select().from(schema.branches).where(eq(schema.branches.code, "bgs"));
    const confirmed = await post(
      cardActionEvent({
        openId: LIU.open,
        messageId: question!.messageId,
        chatId: "oc_new_bgs",
        value: { action: "chat.rebind", branch: bgs!.id },
      }),
    );
    expect(await confirmed.json()).toMatchObject({
      toast: {
        type: "success",
        content: "已将本群绑定到「办公室党支部」。今后该支部的会议通知、签到和提醒会发到本群。",
      },
    });
    expect(text(fake.messagesTo(BGS_CHAT).at(-1))).toContain("本群已不再是「办公室党支部」的工作群");
    expect(await chatOf("bgs")).toEqual({ chatId: "oc_new_bgs", boundBy: liu });
    const audit = await t.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.actorId, liu), eq(schema.auditLog.action, "bind-chat")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      entity: "branch",
      before: { platform: "feishu", chatId: BGS_CHAT },
      after: { platform: "feishu", chatId: "oc_new_bgs" },
    });

    // Saying it again changes nothing.
    const before = await writes();
    await post(
      messageEvent({ openId: LIU.open, chatId: "oc_new_bgs", text: "/bind 办公室党支部", mentionBotAs: BOT }),
    );
    expect(text(fake.messagesTo("oc_new_bgs")[1])).toContain("无需重复绑定");
    expect(fake.messagesTo(BGS_CHAT).filter((m) => text(m).includes("不再是"))).toHaveLength(1);
    expect((await writes()).chats).toEqual(before.chats);
    expect((await writes()).audit).toBe(before.audit);
  });

  it("an ordinary member may not bind; an admin may bind any branch", async () => {
    const before = await writes();
    await post(
      messageEvent({
        openId: CAO.open,
        chatId: "oc_cao_try",
        text: "绑定 综合规划处党支部",
        mentionBotAs: BOT,
      }),
    );
    expect(text(fake.messagesTo("oc_cao_try")[0])).toBe(
      `只有「综合规划处党支部」的书记、副书记、委员或机关党委工作人员可以绑定。如有需要，请联系${adminContact}。`,
    );
    const after = await writes();
    expect(after.chats).toEqual(before.chats);
    expect(after.audit).toBe(before.audit);

    await post(
      messageEvent({ openId: DING.open, chatId: "oc_zz1", text: "绑定 机关第一党总支", mentionBotAs: BOT }),
    );
    expect(text(fake.messagesTo("oc_zz1")[0])).toContain("已将本群绑定到「机关第一党总支」");
    expect(await chatOf("zz1")).toMatchObject({ chatId: "oc_zz1", boundBy: await memberId(DING.code) });

    await post(
      messageEvent({ openId: DING.open, chatId: "oc_x", text: "绑定 财政局党支部", mentionBotAs: BOT }),
    );
    expect(text(fake.messagesTo("oc_x")[0])).toContain("没有找到名为“财政局党支部”的党支部");
  });

  it("someone outside the roster gets a polite answer naming whom to ask; only the events' ids are kept", async () => {
    const before = await writes();
    await post(messageEvent({ openId: STRANGER, chatId: "oc_p2p_stranger", chatType: "p2p", text: "帮助" }));
    await post(
      messageEvent({ openId: STRANGER, chatId: BGS_CHAT, text: "绑定 办公室党支部", mentionBotAs: BOT }),
    );
    expect(text(fake.messagesTo("oc_p2p_stranger")[0])).toBe(
      `您好！您还不在本机关的党员名册中，暂时无法使用支部助手。如需开通，请联系${adminContact}，将您的飞书账号登记到名册。`,
    );
    expect(text(fake.messagesTo(BGS_CHAT)[0])).toContain("不在本机关的党员名册中");
    // The inbox keeps each event's id (a redelivery is recognised); no binding, no audit entry.
    expect(await writes()).toEqual({ ...before, inbound: (before.inbound ?? 0) + 2 });
  });

  it("added to an unbound chat it explains how to bind; to a bound chat it greets the branch", async () => {
    await post(botAddedEvent({ chatId: "oc_fresh", chatName: "价格处同事群", operatorOpenId: CAO.open }));
    const [howTo] = fake.messagesTo("oc_fresh");
    expect(howTo?.msgType).toBe("interactive");
    expect(howTo?.parsed).toMatchObject({ header: { title: { content: "支部助手已加入「价格处同事群」" } } });
    expect(cardJson(howTo)).toContain("绑定 &#60;支部名&#62;");
    expect(cardJson(howTo)).toContain('"form_action_type":"submit"');
    expect(cardJson(howTo)).toContain('"action":"chat.bind"');

    await post(botAddedEvent({ chatId: "oc_0df40d93813d2e3a0f439c58a5db9a35", operatorOpenId: CUI.open }));
    expect(text(fake.messagesTo("oc_0df40d93813d2e3a0f439c58a5db9a35")[0])).toContain(
      "本群是「综合规划处党支部」的工作群",
    );
  });

  it("card callback: the join card's form binds the chat and the answer carries toast and new card", async () => {
    await post(botAddedEvent({ chatId: "oc_join", operatorOpenId: CUI.open }));
    const [card] = fake.messagesTo("oc_join");
    expect(card).toBeDefined();

    const stranger = await post(
      cardActionEvent({
        openId: STRANGER,
        messageId: card!.messageId,
        chatId: "oc_join",
        value: { action: "chat.bind" },
        formValue: { branch: "综合规划处" },
      }),
    );
    expect(await stranger.json()).toMatchObject({
      toast: { type: "warning", content: expect.stringContaining("名册") },
    });
    expect(await chatOf("zhgh")).toMatchObject({ chatId: "oc_0df40d93813d2e3a0f439c58a5db9a35" });

    const asked = await post(
      cardActionEvent({
        openId: CUI.open,
        messageId: card!.messageId,
        chatId: "oc_join",
        value: { action: "chat.bind" },
        formValue: { branch: "综合规划处" },
      }),
    );
    // 综合规划处 has its roster chat: the answer asks first and binds nothing.
    const question = await asked.json();
    expect(question).toMatchObject({
      toast: { type: "warning", content: expect.stringContaining("已有工作群") },
    });
    expect(JSON.stringify(question)).toContain("chat.rebind");
    expect(await chatOf("zhgh")).toMatchObject({ chatId: "oc_0df40d93813d2e3a0f439c58a5db9a35" });

    const [zhgh] = await t.db.select().from(schema.branches).where(eq(schema.branches.code, "zhgh"));
    const res = await post(
      cardActionEvent({
        openId: CUI.open,
        messageId: card!.messageId,
        chatId: "oc_join",
        value: { action: "chat.rebind", branch: zhgh!.id },
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      toast: { type: "success", content: expect.stringContaining("已将本群绑定到「综合规划处党支部」") },
      card: {
        type: "raw",
        data: {
          schema: "2.0",
          config: { update_multi: true },
          header: { title: { content: "本群已绑定到「综合规划处党支部」" }, template: "green" },
        },
      },
    });
    expect(await chatOf("zhgh")).toEqual({ chatId: "oc_join", boundBy: await memberId(CUI.code) });
  });

  it("registered card actions: quick ones answer in the response, slow ones are patched in afterwards", async () => {
    const client = createFeishuClient(config.platforms.feishu as FeishuConfig);
    const { messageId } = await client.send(
      { type: "chat", id: BGS_CHAT },
      { kind: "card", card: { header: { title: "会议签到" }, blocks: [] } },
      { idempotencyKey: `test-card-${target.name}` },
    );

    const quick = await post(
      cardActionEvent({ openId: CAO.open, messageId, chatId: BGS_CHAT, value: { action: "test.echo" } }),
    );
    expect(await quick.json()).toMatchObject({
      toast: { type: "success", content: "已记录：曹芳" },
      card: { type: "raw", data: { header: { title: { content: "已签到" } } } },
    });

    const started = Date.now();
    const slow = await postFeishu(
      server.url,
      cardActionEvent({ openId: CAO.open, messageId, chatId: BGS_CHAT, value: { action: "test.slow" } }),
      { encryptKey, verificationToken },
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await slow.json()).toEqual({ toast: { type: "info", content: "已收到，正在处理…" } });
    expect(fake.patches).toHaveLength(0);
    slowRelease();
    await background.drain();
    const patches = await fake.waitForPatches(1);
    expect(patches[0]).toMatchObject({
      messageId,
      parsed: { schema: "2.0", header: { title: { content: "慢操作完成：曹芳" } } },
    });

    const unknown = await post(
      cardActionEvent({ openId: CAO.open, messageId, value: { action: "no.such" } }),
    );
    expect(await unknown.json()).toMatchObject({ toast: { type: "warning" } });
  });

  it("Feishu answers 429: the reply waits as told and then goes out", async () => {
    fake.failNext(1, { type: "rate_limit", resetSeconds: 1 });
    await post(messageEvent({ openId: CAO.open, chatId: "oc_busy", text: "帮助", mentionBotAs: BOT }));
    const attempts = fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages");
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.messagesTo("oc_busy")).toHaveLength(1);
  });

  it("the tenant token has expired: a new one is fetched and the reply goes out", async () => {
    // Make sure a token is cached first, so the expiry really hits a cached token.
    await post(messageEvent({ openId: CAO.open, chatId: "oc_tok", text: "帮助", mentionBotAs: BOT }));
    const tokens = fake.tokensIssued;
    fake.failNext(1, { type: "token_expired" });
    await post(messageEvent({ openId: CAO.open, chatId: "oc_tok", text: "帮助", mentionBotAs: BOT }));
    expect(fake.messagesTo("oc_tok")).toHaveLength(2);
    expect(fake.tokensIssued).toBe(tokens + 1);
    const attempts = fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages").map((c) => c.status);
    expect(attempts).toEqual([200, 400, 200]);
  });
});
