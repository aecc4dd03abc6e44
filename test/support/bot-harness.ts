/**
 * The whole bot as a platform sees it, for end-to-end tests: a real database with the example organ, the
 * real Hono app over real HTTP with signed requests, the real clients talking to the fake OpenAPIs
 * (Feishu's, DingTalk's or both), and the real scheduler — all on a clock the test moves.
 */
import { and, eq } from "drizzle-orm";
import type { Bot } from "../../src/app/bot.ts";
import { createRunningBot } from "../../src/app/running-bot.ts";
import type { Scheduler } from "../../src/app/scheduler.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import * as schema from "../../src/db/schema.ts";
import { createApp } from "../../src/http/app.ts";
import { type BackgroundRunner, createBackgroundRunner } from "../../src/lib/background.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { ApiUsageSink } from "../../src/platforms/adapter.ts";
import { createAdapters } from "../../src/platforms/create-adapters.ts";
import type { IdentityKind, PlatformName } from "../../src/platforms/types.ts";
import { type FakeDingTalkOpenApi, startFakeDingTalkOpenApi } from "../fakes/dingtalk-openapi.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import type { DatabaseTarget, TestDatabase } from "./databases.ts";
import { serveOnLocalhost } from "./feishu-requests.ts";
import { movableClock } from "./movable-clock.ts";
import { dingtalkDriver, feishuDriver, type PlatformDriver } from "./platform-drivers.ts";
import { importExampleRoster } from "./roster.ts";

export { BOT, ENCRYPT_KEY, VERIFICATION_TOKEN } from "./platform-drivers.ts";

export interface BotHarness {
  db: TestDatabase;
  /** The fake Feishu OpenAPI (only when Feishu is one of the harness's platforms). */
  fake: FakeFeishuOpenApi;
  /** The fake DingTalk OpenAPI (only when DingTalk is one of the harness's platforms). */
  dingtalk: FakeDingTalkOpenApi;
  config: Config;
  bot: Bot;
  scheduler: Scheduler;
  url: string;
  /** The instant the bot believes it is. */
  clock: { now: Date };
  /** Feishu: someone writes in a chat (with the bot @-mentioned in groups); resolves after the bot's work is done. */
  say(openId: string, chatId: string, text: string, chatType?: "group" | "p2p"): Promise<Response>;
  /** Feishu: a card button or form submission; resolves with Feishu's view of the answer. */
  click(
    openId: string,
    messageId: string,
    value: Record<string, string>,
    formValue?: Record<string, string | string[]>,
  ): Promise<{ status: number; body: any }>;
  /** The same acts and views on any of the harness's platforms. */
  on(platform: PlatformName): PlatformDriver;
  /** One scheduler tick at `at` (which becomes the clock; the scheduler's waits move it on a little). */
  tick(at: Date): Promise<Awaited<ReturnType<Scheduler["tick"]>>>;
  /** Waits for answers-after-acknowledgement and card patches to finish. */
  settle(): Promise<void>;
  openIdOf(code: string): Promise<string>;
  /** The member's id on a platform (Feishu open_id, DingTalk staff_id). */
  idOf(platform: PlatformName, code: string): Promise<string>;
  memberIdOf(code: string): Promise<string>;
  chatOf(branchCode: string, platform?: PlatformName): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Default: Feishu only. */
  platforms?: PlatformName[];
  /** Counts API calls the way the entries do (for quota tests). */
  apiUsage?: ApiUsageSink;
}

export async function startBotHarness(
  target: DatabaseTarget,
  env: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<BotHarness> {
  const wanted = options.platforms ?? ["feishu"];
  const db = await target.create();
  await importExampleRoster(db.db);
  let url = "";
  const drivers = new Map<PlatformName, PlatformDriver>();
  const feishuFake = wanted.includes("feishu") ? await startFakeFeishuOpenApi() : undefined;
  const dingtalkFake = wanted.includes("dingtalk") ? await startFakeDingTalkOpenApi() : undefined;
  if (feishuFake)
    drivers.set(
      "feishu",
      feishuDriver(feishuFake, () => url),
    );
  if (dingtalkFake)
    drivers.set(
      "dingtalk",
      dingtalkDriver(dingtalkFake, () => url),
    );
  const config = loadConfig({
    ...Object.assign({}, ...[...drivers.values()].map((d) => d.env())),
    // Tests send many messages to one chat in a row; the per-chat pause is exercised in the scheduler's own tests.
    OUTBOX_TARGET_INTERVAL_MS: "1000",
    // Month-start digests and 换届 reminders of the example organ stay out of other features' counts.
    STATUS_DIGEST: "false",
    STATUS_TERM_REMINDERS: "false",
    ...env,
  });
  const { clock, read, sleep } = movableClock();
  const errors: unknown[] = [];
  const background: BackgroundRunner = createBackgroundRunner((error) => errors.push(error));
  const platforms = await createAdapters(config, {
    logger: silentLogger,
    background,
    ...(options.apiUsage ? { apiUsage: options.apiUsage } : {}),
  });
  const running = createRunningBot({
    config,
    db: db.db,
    logger: silentLogger,
    platforms,
    background,
    clock: read,
    sleep,
    flushBudgetMs: 60_000,
    onFlushError: (error) => errors.push(error),
  });
  const { bot, scheduler } = running;
  const app = createApp({ config, database: db, logger: silentLogger, platforms, sink: bot.sink });
  const server = await serveOnLocalhost(app);
  url = server.url;

  async function settle() {
    await running.idle();
    if (errors.length > 0) throw errors.shift();
  }

  const driver = (platform: PlatformName): PlatformDriver => {
    const d = drivers.get(platform);
    if (!d) throw new Error(`the harness was started without ${platform}`);
    return {
      ...d,
      async say(...args) {
        const res = await d.say(...args);
        await settle();
        return res;
      },
    };
  };

  async function idOf(platform: PlatformName, code: string): Promise<string> {
    const kind: IdentityKind = driver(platform).identityKind;
    const rows = await db.db
      .select({ value: schema.memberIdentities.value })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(and(eq(schema.members.code, code), eq(schema.memberIdentities.kind, kind)));
    if (!rows[0]) throw new Error(`no ${kind} for ${code}`);
    return rows[0].value;
  }

  const h: BotHarness = {
    db,
    get fake(): FakeFeishuOpenApi {
      if (!feishuFake) throw new Error("the harness was started without feishu");
      return feishuFake;
    },
    get dingtalk(): FakeDingTalkOpenApi {
      if (!dingtalkFake) throw new Error("the harness was started without dingtalk");
      return dingtalkFake;
    },
    config,
    bot,
    scheduler,
    url: server.url,
    clock,
    say: (openId, chatId, text, chatType) => driver("feishu").say(openId, chatId, text, chatType),
    async click(openId, messageId, value, formValue) {
      const { status, body } = await driver("feishu").click(openId, messageId, value, formValue);
      return { status, body };
    },
    on: driver,
    async tick(at) {
      clock.now = at;
      const report = await scheduler.tick({ now: at });
      await settle();
      return report;
    },
    settle,
    openIdOf: (code) => idOf("feishu", code),
    idOf,
    async memberIdOf(code) {
      const [m] = await db.db.select().from(schema.members).where(eq(schema.members.code, code));
      if (!m) throw new Error(`no member ${code}`);
      return m.id;
    },
    async chatOf(branchCode, platform = wanted[0] ?? "feishu") {
      const [row] = await db.db
        .select({ chatId: schema.branchChats.chatId })
        .from(schema.branchChats)
        .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
        .where(and(eq(schema.branches.code, branchCode), eq(schema.branchChats.platform, platform)));
      if (!row) throw new Error(`no ${platform} chat for ${branchCode}`);
      return row.chatId;
    },
    async close() {
      await settle().catch(() => {});
      await server.close();
      await feishuFake?.close();
      await dingtalkFake?.close();
      await db.close();
    },
  };
  return h;
}
