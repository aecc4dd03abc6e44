import type { ExecutionContext } from "hono";
import { type ApiUsageRecorder, createApiUsageRecorder } from "../app/api-usage.ts";
import { createRunningBot } from "../app/running-bot.ts";
import { type Config, loadConfig } from "../config.ts";
import { createPostgresDatabase } from "../db/client-postgres.ts";
import { createApp } from "../http/app.ts";
import { type BackgroundRunner, createWaitUntilRunner } from "../lib/background.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import type { PlatformSet } from "../platforms/adapter.ts";
import { createAdapters } from "../platforms/create-adapters.ts";

// Minimal shapes of the Workers runtime we use, so the shared code keeps Node's types only.

interface ScheduledController {
  scheduledTime: number;
  cron: string;
}
/** Vars and secrets are strings; a Hyperdrive binding is an object with the connection string to use. */
type WorkerEnv = Record<string, unknown> & { HYPERDRIVE?: { connectionString: string } };

/** The strings of the env (vars, secrets), with Hyperdrive's connection string as DATABASE_URL when bound. */
function settings(env: WorkerEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") out[name] = value;
  if (env.HYPERDRIVE?.connectionString) out.DATABASE_URL = env.HYPERDRIVE.connectionString;
  return out;
}

/**
 * Workers have no disk for PGlite: DATABASE_URL (ideally through Hyperdrive) is required, and
 * migrations are applied beforehand with `npx zhibu migrate`.
 */
function build(env: WorkerEnv) {
  // The local console keeps its chats in one process's memory: it has no place on Workers' isolates.
  const config = loadConfig({ ...settings(env), LOCAL_CONSOLE: "off" });
  if (!config.databaseUrl)
    throw new Error("DATABASE_URL: Workers 上必须设置，或绑定 Hyperdrive（Workers 无法使用嵌入式数据库）");
  const logger = createLogger(config.logLevel);
  const database = createPostgresDatabase(config.databaseUrl, { max: 1 });
  return { config, logger, database };
}

// One set of adapters per isolate, so their tokens and rate limits outlive a single request. Their
// background work goes to the request that is running when it starts.
let adaptersCache:
  | {
      key: string;
      platforms: Promise<PlatformSet>;
      runner: { current: BackgroundRunner };
      usage: { current: ApiUsageRecorder };
    }
  | undefined;
function adapters(
  config: Config,
  logger: Logger,
  background: BackgroundRunner,
  usage: ApiUsageRecorder,
): Promise<PlatformSet> {
  const key = JSON.stringify(config.platforms);
  if (adaptersCache?.key !== key) {
    const runner = { current: background };
    const counter = { current: usage };
    const forwarding: BackgroundRunner = {
      run: (task) => runner.current.run(task),
      drain: (timeoutMs) => runner.current.drain(timeoutMs),
    };
    adaptersCache = {
      key,
      runner,
      usage: counter,
      platforms: createAdapters(config, {
        logger,
        background: forwarding,
        // API calls are tallied in the database of the request (or tick) that makes them.
        apiUsage: { record: (platform, at) => counter.current.record(platform, at) },
      }),
    };
  }
  adaptersCache.runner.current = background;
  adaptersCache.usage.current = usage;
  return adaptersCache.platforms;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const { config, logger, database } = build(env);
    // Work done after answering (Feishu events) runs under waitUntil; the database closes after it.
    const tasks: Promise<unknown>[] = [];
    const background = createWaitUntilRunner(
      (task) => {
        tasks.push(task);
        ctx.waitUntil(task);
      },
      (error) => logger.error("background task failed", { error }),
    );
    const usage = createApiUsageRecorder({ db: database.db, logger });
    const platforms = await adapters(config, logger, background, usage);
    const running = createRunningBot({ config, db: database.db, logger, platforms, background });
    const app = createApp({ config, database, logger, platforms, sink: running.bot.sink });
    try {
      return await app.fetch(request, env, ctx);
    } finally {
      // Stored events are processed, replies sent and live cards patched after the answer, under
      // waitUntil; the database closes once they are done. What does not finish, the Cron tick picks up.
      ctx.waitUntil(
        Promise.allSettled(tasks)
          .then(() => running.idle())
          .then(() => usage.flush())
          .then(() => database.close()),
      );
    }
  },
  /** The Cron Trigger (every minute, see wrangler.toml) runs the same tick as node-cron does on Node. */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { config, logger, database } = build(env);
    if (!config.schedulerEnabled) {
      ctx.waitUntil(database.close());
      return;
    }
    const background = createWaitUntilRunner(
      (task) => ctx.waitUntil(task),
      (error) => logger.error("background task failed", { error }),
    );
    const usage = createApiUsageRecorder({ db: database.db, logger });
    const platforms = await adapters(config, logger, background, usage);
    const running = createRunningBot({ config, db: database.db, logger, platforms, background });
    ctx.waitUntil(
      running.scheduler
        .tick({ budgetMs: 25_000 })
        .then((report) => logger.info("定时任务完成", { ...report }))
        .catch((error: unknown) => logger.error("定时任务出错", { error }))
        .then(() => running.idle())
        .then(() => usage.flush())
        .finally(() => database.close()),
    );
  },
};
