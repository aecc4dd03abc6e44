import type { ExecutionContext } from "hono";
import { createBotModules } from "../app/bot-modules.ts";
import { createFeatures } from "../app/features.ts";
import { createConfiguredScheduler } from "../app/scheduler-setup.ts";
import { type FeishuConfig, loadConfig } from "../config.ts";
import { createPostgresDatabase } from "../db/client-postgres.ts";
import { createApp } from "../http/app.ts";
import { createWaitUntilRunner } from "../lib/background.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import { createFeishuClient } from "../platforms/feishu/client.ts";
import type { PlatformClient } from "../platforms/types.ts";

// Minimal shapes of the Workers runtime we use, so the shared code keeps Node's types only.

interface ScheduledController {
  scheduledTime: number;
  cron: string;
}
type WorkerEnv = Record<string, string | undefined>;

/**
 * Workers have no disk for PGlite: DATABASE_URL (ideally through Hyperdrive) is required, and
 * migrations are applied beforehand with `npx drizzle-kit migrate`.
 */
function build(env: WorkerEnv) {
  const config = loadConfig(env);
  if (!config.databaseUrl)
    throw new Error("DATABASE_URL: Workers 上必须设置（Workers 无法使用嵌入式数据库）");
  const logger = createLogger(config.logLevel);
  const database = createPostgresDatabase(config.databaseUrl, { max: 1 });
  return { config, logger, database };
}

// One Feishu client per isolate, so its tenant token and rate limits outlive a single request.
let feishuClientCache: { key: string; client: PlatformClient } | undefined;
function feishuClient(feishu: FeishuConfig, logger: Logger): PlatformClient {
  const key = `${feishu.domain}|${feishu.appId}|${feishu.appSecret}`;
  if (feishuClientCache?.key !== key)
    feishuClientCache = { key, client: createFeishuClient(feishu, { logger }) };
  return feishuClientCache.client;
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
    const clients = config.feishu ? { feishu: feishuClient(config.feishu, logger) } : {};
    const { features, modules } = createBotModules({ config, db: database.db, logger, background, clients });
    const app = createApp({ config, database, logger }, modules);
    try {
      return await app.fetch(request, env, ctx);
    } finally {
      // Card patches (live sign-in counts) run after the answer too; the database closes once they are done.
      ctx.waitUntil(
        Promise.allSettled(tasks)
          .then(() => features.meetings.refresher.idle())
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
    const clients = config.feishu ? { feishu: feishuClient(config.feishu, logger) } : {};
    const features = createFeatures({ db: database.db, config, logger, clients });
    const scheduler = createConfiguredScheduler({
      config,
      db: database.db,
      logger,
      clients,
      planners: features.planners,
    });
    ctx.waitUntil(
      scheduler
        .tick({ budgetMs: 25_000 })
        .then((report) => logger.info("定时任务完成", { ...report }))
        .catch((error: unknown) => logger.error("定时任务出错", { error }))
        .finally(() => database.close()),
    );
  },
};
