/**
 * The bot as every runtime runs it: the features and event router (createBot), the scheduler with its
 * planners and the inbox, and the sender that flushes what an event queued at once. Node, the Worker's
 * fetch and Cron handlers, and the test harnesses all wire it here, so they cannot drift apart.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import { createKicker, type Kicker } from "../lib/kicker.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformSet } from "../platforms/adapter.ts";
import { type Bot, type BotDeps, createBot } from "./bot.ts";
import type { Scheduler } from "./scheduler.ts";
import { createConfiguredScheduler } from "./scheduler-setup.ts";

export interface RunningBot {
  bot: Bot;
  scheduler: Scheduler;
  /** Sends what events queued, at most every 250 ms however often it is kicked. */
  dispatcher: Kicker;
  /** Resolves when stored events are processed, what they queued is sent, and live cards are patched. */
  idle(): Promise<void>;
}

export function createRunningBot(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  platforms: PlatformSet;
  background: BackgroundRunner;
  /** Tests: a movable business clock, and waits that move it. */
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  features?: BotDeps["features"];
  cardActionBudgetMs?: number;
  /** How long one flush may keep sending (default 20 s). */
  flushBudgetMs?: number;
  /** Tests: how a failed flush is reported (production logs it). */
  onFlushError?: (error: unknown) => void;
}): RunningBot {
  const { config, db, logger, platforms, background } = deps;
  let dispatcher: Kicker | undefined;
  const bot = createBot({
    config,
    db,
    logger,
    platforms,
    background,
    dispatch: () => dispatcher?.kick(),
    ...(deps.clock ? { now: deps.clock } : {}),
    ...(deps.features ? { features: deps.features } : {}),
    ...(deps.cardActionBudgetMs !== undefined ? { cardActionBudgetMs: deps.cardActionBudgetMs } : {}),
  });
  const scheduler = createConfiguredScheduler({
    config,
    db,
    logger,
    platforms,
    planners: bot.planners,
    inbox: bot.inbox,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const flusher = createKicker(
    () => scheduler.flush({ budgetMs: deps.flushBudgetMs ?? 20_000 }),
    deps.onFlushError ?? ((error) => logger.error("发送待发消息出错", { error })),
    // A burst of clicks kicks it hundreds of times a second; a few flushes a second carry what they queue.
    { minGapMs: deps.clock ? 0 : 250 },
  );
  dispatcher = flusher;
  return {
    bot,
    scheduler,
    dispatcher: flusher,
    async idle() {
      await background.drain();
      await bot.idle();
      await flusher.idle();
      await bot.idle();
    },
  };
}
