import cron from "node-cron";
import type { Scheduler, TickReport } from "../app/scheduler.ts";
import type { Logger } from "../lib/logger.ts";

export interface Ticker {
  /** Stops the schedule, asks a running tick to stop claiming, and waits for it to finish its sends. */
  stop(): Promise<void>;
  /** Runs a tick now unless one is running (then waits for that one). */
  runNow(): Promise<void>;
}

export interface TickerOptions {
  scheduler: Scheduler;
  logger: Logger;
  /** Every minute by default. */
  expression?: string;
  /** How long one tick may keep claiming rows; under the interval so ticks rarely meet. */
  budgetMs?: number;
  /** Tick once right away too: after downtime, catch-up shouldn't wait for the next whole minute. */
  runAtStart?: boolean;
}

const quiet = (r: TickReport) =>
  r.planned + r.withdrawn + r.expired + r.sent + r.retried + r.failed + r.skipped + r.plannerErrors === 0;

/**
 * node-cron only says "now"; the scheduler keeps all state in Postgres. A tick still running when the
 * next minute comes is not overlapped: that minute is skipped (the running tick is already sending).
 */
export function startTicker(options: TickerOptions): Ticker {
  const { scheduler, logger } = options;
  const abort = new AbortController();
  let running: Promise<void> | undefined;

  const runOnce = () => {
    if (running) return running;
    running = (async () => {
      try {
        const report = await scheduler.tick({ budgetMs: options.budgetMs ?? 50_000, signal: abort.signal });
        if (quiet(report)) logger.debug("定时任务：无事可做");
        else logger.info("定时任务完成", { ...report });
      } catch (error) {
        // The next minute tries again; leased rows come back after their lease.
        logger.error("定时任务出错", { error });
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const task = cron.schedule(options.expression ?? "* * * * *", () => {
    if (running) {
      logger.debug("上一次定时任务仍在运行，本分钟跳过");
      return;
    }
    void runOnce();
  });

  if (options.runAtStart) void runOnce();

  return {
    runNow: runOnce,
    async stop() {
      abort.abort();
      await task.stop();
      await task.destroy();
      if (running) await running;
    },
  };
}
