import type { ExecutionContext } from "hono";
import { loadConfig } from "../config.ts";
import { createPostgresDatabase } from "../db/client-postgres.ts";
import { createApp } from "../http/app.ts";
import { createLogger } from "../lib/logger.ts";

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
  return { config, logger, database, app: createApp({ config, database, logger }) };
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const { app, database } = build(env);
    try {
      return await app.fetch(request, env, ctx);
    } finally {
      ctx.waitUntil(database.close());
    }
  },
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { database } = build(env);
    ctx.waitUntil(database.close());
  },
};
