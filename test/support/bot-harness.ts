/**
 * The whole bot as Feishu sees it, for end-to-end tests: a real database with the example organ, the
 * real Hono app over real HTTP with signed and encrypted requests, the real SDK talking to the fake
 * Feishu OpenAPI, and the real scheduler — all on a clock the test moves.
 */
import { eq } from "drizzle-orm";
import type { Bot } from "../../src/app/bot.ts";
import { createRunningBot } from "../../src/app/running-bot.ts";
import type { Scheduler } from "../../src/app/scheduler.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import * as schema from "../../src/db/schema.ts";
import { createApp } from "../../src/http/app.ts";
import { type BackgroundRunner, createBackgroundRunner } from "../../src/lib/background.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { createAdapters } from "../../src/platforms/create-adapters.ts";
import type { FeishuConfig } from "../../src/platforms/feishu/config.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import type { DatabaseTarget, TestDatabase } from "./databases.ts";
import { cardActionEvent, messageEvent, postFeishu, serveOnLocalhost } from "./feishu-requests.ts";
import { movableClock } from "./movable-clock.ts";
import { importExampleRoster } from "./roster.ts";

export const ENCRYPT_KEY = "Zb8xQ2mK7pV4sT9w";
export const VERIFICATION_TOKEN = "vt_zhibu_e2e";
export const BOT = "支部助手";

export interface BotHarness {
  db: TestDatabase;
  fake: FakeFeishuOpenApi;
  config: Config;
  bot: Bot;
  scheduler: Scheduler;
  url: string;
  /** The instant the bot believes it is. */
  clock: { now: Date };
  /** Someone writes in a chat (with the bot @-mentioned in groups); resolves after the bot's work is done. */
  say(openId: string, chatId: string, text: string, chatType?: "group" | "p2p"): Promise<Response>;
  /** A card button or form submission; resolves with Feishu's view of the answer. */
  click(
    openId: string,
    messageId: string,
    value: Record<string, string>,
    formValue?: Record<string, string | string[]>,
  ): Promise<{ status: number; body: any }>;
  /** One scheduler tick at `at` (which becomes the clock; the scheduler's waits move it on a little). */
  tick(at: Date): Promise<Awaited<ReturnType<Scheduler["tick"]>>>;
  /** Waits for answers-after-acknowledgement and card patches to finish. */
  settle(): Promise<void>;
  openIdOf(code: string): Promise<string>;
  memberIdOf(code: string): Promise<string>;
  chatOf(branchCode: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBotHarness(
  target: DatabaseTarget,
  env: Record<string, string> = {},
): Promise<BotHarness> {
  const db = await target.create();
  await importExampleRoster(db.db);
  const fake = await startFakeFeishuOpenApi();
  const config = loadConfig({
    FEISHU_APP_ID: fake.appId,
    FEISHU_APP_SECRET: fake.appSecret,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    FEISHU_DOMAIN: fake.url,
    FEISHU_BOT_NAME: BOT,
    // Tests send many messages to one chat in a row; the per-chat pause is exercised in the scheduler's own tests.
    OUTBOX_TARGET_INTERVAL_MS: "1000",
    // Month-start digests and 换届 reminders of the example organ stay out of other features' counts.
    STATUS_DIGEST: "false",
    STATUS_TERM_REMINDERS: "false",
    ...env,
  });
  const feishu = config.platforms.feishu as FeishuConfig | undefined;
  if (!feishu) throw new Error("feishu config expected");
  const { clock, read, sleep } = movableClock();
  const errors: unknown[] = [];
  const background: BackgroundRunner = createBackgroundRunner((error) => errors.push(error));
  const platforms = await createAdapters(config, { logger: silentLogger, background });
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
  const options = { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN };

  async function settle() {
    await running.idle();
    if (errors.length > 0) throw errors.shift();
  }

  const h: BotHarness = {
    db,
    fake,
    config,
    bot,
    scheduler,
    url: server.url,
    clock,
    async say(openId, chatId, text, chatType = "group") {
      const res = await postFeishu(
        server.url,
        messageEvent({
          openId,
          chatId,
          text,
          chatType,
          ...(chatType === "group" ? { mentionBotAs: BOT } : {}),
        }),
        options,
      );
      await settle();
      return res;
    },
    async click(openId, messageId, value, formValue) {
      const res = await postFeishu(
        server.url,
        cardActionEvent({ openId, messageId, value, ...(formValue ? { formValue } : {}) }),
        options,
      );
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    async tick(at) {
      clock.now = at;
      const report = await scheduler.tick({ now: at });
      await settle();
      return report;
    },
    settle,
    openIdOf: (code) => openIdStrict(code),
    async memberIdOf(code) {
      const [m] = await db.db.select().from(schema.members).where(eq(schema.members.code, code));
      if (!m) throw new Error(`no member ${code}`);
      return m.id;
    },
    async chatOf(branchCode) {
      const [row] = await db.db
        .select({ chatId: schema.branchChats.chatId })
        .from(schema.branchChats)
        .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
        .where(eq(schema.branches.code, branchCode));
      if (!row) throw new Error(`no chat for ${branchCode}`);
      return row.chatId;
    },
    async close() {
      await settle().catch(() => {});
      await server.close();
      await fake.close();
      await db.close();
    },
  };

  async function openIdStrict(code: string): Promise<string> {
    const rows = await db.db
      .select({ value: schema.memberIdentities.value, kind: schema.memberIdentities.kind })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(eq(schema.members.code, code));
    const open = rows.find((r) => r.kind === "open_id");
    if (!open) throw new Error(`no open_id for ${code}`);
    return open.value;
  }
  return h;
}
