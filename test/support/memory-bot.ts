/**
 * The whole bot on the in-memory platform: a real database holding the example organ, every feature,
 * the real scheduler on a clock the test moves — and no platform JSON anywhere. Use-case tests read
 * what each person would see as CardView and text, and press buttons by their action name.
 */
import { eq } from "drizzle-orm";
import type { Bot } from "../../src/app/bot.ts";
import type { FeatureModule } from "../../src/app/feature.ts";
import { FEATURES } from "../../src/app/features.ts";
import { createRunningBot } from "../../src/app/running-bot.ts";
import type { Scheduler, TickReport } from "../../src/app/scheduler.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import * as schema from "../../src/db/schema.ts";
import { type BackgroundRunner, createBackgroundRunner } from "../../src/lib/background.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { PlatformLimits } from "../../src/platforms/adapter.ts";
import {
  createMemoryPlatform,
  type MemoryMessage,
  type MemoryPlatform,
} from "../../src/platforms/memory/adapter.ts";
import type { ActionValue, CardActionResponse, CardView } from "../../src/platforms/types.ts";
import type { DatabaseTarget, TestDatabase } from "./databases.ts";
import { movableClock } from "./movable-clock.ts";
import { importExampleRoster } from "./roster.ts";

export interface MemoryBot {
  db: TestDatabase;
  platform: MemoryPlatform;
  bot: Bot;
  config: Config;
  scheduler: Scheduler;
  clock: { now: Date };
  /** A roster member (by code) writes in a branch's chat (by branch code) or privately ("p2p"). */
  say(code: string, where: string, text: string): Promise<void>;
  /** A roster member presses a card's button (or submits its form) by the action's name. */
  click(
    code: string,
    message: MemoryMessage,
    action: string,
    formValue?: Record<string, string | string[]>,
    options?: { stale?: ActionValue },
  ): Promise<CardActionResponse>;
  tick(at: Date): Promise<TickReport>;
  settle(): Promise<void>;
  /** What a branch's chat (branch code) or a member (member code: privately and in their chat with the bot) received. */
  inbox(who: { chat: string } | { member: string }): Promise<MemoryMessage[]>;
  memberIdOf(code: string): Promise<string>;
  /** The id the platform knows a roster member by. */
  platformId(code: string): Promise<string>;
  /** A branch's group chat id. */
  chatOf(branchCode: string): Promise<string>;
  close(): Promise<void>;
}

/** Everything a card says, one line per header, field, text and button: what a reader would see. */
export function cardText(card: CardView): string {
  const lines = [card.header.title, card.header.subtitle ?? ""];
  for (const b of card.blocks) {
    if (b.type === "markdown" || b.type === "note") lines.push(b.text);
    if (b.type === "fields") for (const f of b.fields) lines.push(`${f.label}：${f.value}`);
    if (b.type === "buttons") lines.push(b.buttons.map((x) => `[${x.label}]`).join(" "));
    if (b.type === "link") lines.push(`${b.label} ${b.url}`);
    if (b.type === "chart") lines.push(`〔图表〕${b.title}：${b.fallback}`);
    if (b.type === "form") lines.push(...b.inputs.map((i) => `<${i.label}>`), `[${b.submit.label}]`);
  }
  return lines.filter(Boolean).join("\n");
}

export const textOf = (m: MemoryMessage | undefined): string =>
  !m ? "" : m.message.kind === "text" ? m.message.text : cardText(m.message.card);

export interface MemoryBotOptions {
  env?: Record<string, string>;
  /** Extra features, after the bot's own (tests that need a handler of their own). */
  features?: FeatureModule[];
  cardActionBudgetMs?: number;
  /** The stand-in platform's limits (e.g. a shorter wait for a click's answer). */
  limits?: Partial<PlatformLimits>;
  /** The runner for work left after answering (default: a bounded one that collects errors). */
  background?: BackgroundRunner;
}

export async function startMemoryBot(
  target: DatabaseTarget,
  options: MemoryBotOptions = {},
): Promise<MemoryBot> {
  const env = options.env ?? {};
  const db = await target.create();
  await importExampleRoster(db.db);
  const config = loadConfig({
    OUTBOX_TARGET_INTERVAL_MS: "1000",
    // The monthly digest and 换届 reminders would add messages to the example organ's chats at every
    // month's start and for its expired terms; tests of them turn them on (test/app/status-use-cases.test.ts).
    STATUS_DIGEST: "false",
    STATUS_TERM_REMINDERS: "false",
    ...env,
  });
  // Stands in for Feishu so the example roster's open_ids address people; no Feishu JSON is involved.
  const platform = createMemoryPlatform({
    name: "feishu",
    identityKind: "open_id",
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const platforms = new Map([[platform.name, platform]]);
  const { clock, read, sleep } = movableClock();
  const errors: unknown[] = [];
  const background: BackgroundRunner =
    options.background ?? createBackgroundRunner((error) => errors.push(error));
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
    features: [...FEATURES, ...(options.features ?? [])],
    ...(options.cardActionBudgetMs !== undefined ? { cardActionBudgetMs: options.cardActionBudgetMs } : {}),
  });
  const { bot, scheduler } = running;
  await platform.receiver.start?.(bot.sink);

  const identity = async (code: string) => {
    const rows = await db.db
      .select({ value: schema.memberIdentities.value, kind: schema.memberIdentities.kind })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(eq(schema.members.code, code));
    const open = rows.find((r) => r.kind === "open_id");
    if (!open) throw new Error(`no open_id for ${code}`);
    return open.value;
  };
  const chatOf = async (branchCode: string) => {
    const [row] = await db.db
      .select({ chatId: schema.branchChats.chatId })
      .from(schema.branchChats)
      .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
      .where(eq(schema.branches.code, branchCode));
    if (!row) throw new Error(`no chat for ${branchCode}`);
    return row.chatId;
  };
  async function settle() {
    // Stored events processed, what they queued sent, then the live cards patched.
    await running.idle();
    if (errors.length > 0) throw errors.shift();
  }

  return {
    db,
    platform,
    bot,
    config,
    scheduler,
    clock,
    async say(code, where, text) {
      const sender = await identity(code);
      const chat =
        where === "p2p"
          ? { id: `p2p_${sender}`, type: "p2p" as const }
          : { id: await chatOf(where), type: "group" as const };
      await platform.say(sender, chat, text);
      await settle();
    },
    async click(code, message, action, formValue, options) {
      const response = await platform.click(
        await identity(code),
        message.messageId,
        action,
        formValue,
        options?.stale ? { stale: options.stale } : {},
      );
      await settle();
      return response;
    },
    async tick(at) {
      clock.now = at;
      const report = await scheduler.tick({ now: at });
      await settle();
      return report;
    },
    settle,
    async inbox(who) {
      if ("chat" in who) return platform.to({ type: "chat", id: await chatOf(who.chat) });
      // Private messages, and the replies in the member's one-to-one chat with the bot.
      const id = await identity(who.member);
      return platform.sent.filter(
        (m) =>
          (m.target.type === "user" && m.target.id === id) ||
          (m.target.type === "chat" && m.target.id === `p2p_${id}`),
      );
    },
    async memberIdOf(code) {
      const [m] = await db.db.select().from(schema.members).where(eq(schema.members.code, code));
      if (!m) throw new Error(`no member ${code}`);
      return m.id;
    },
    platformId: identity,
    chatOf,
    async close() {
      await settle().catch(() => {});
      await db.close();
    },
  };
}
