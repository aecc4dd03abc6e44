import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createBotModules } from "../app/bot-modules.ts";
import { createConfiguredScheduler } from "../app/scheduler-setup.ts";
import { type Config, describePlatforms } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import type { DatabaseHandle } from "../db/types.ts";
import { createApp } from "../http/app.ts";
import { createBackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import { createFeishuClient } from "../platforms/feishu/client.ts";
import { startTicker, type Ticker } from "./ticker.ts";

export interface RunningServer {
  port: number;
  database: DatabaseHandle;
  /** Stops accepting, lets in-flight requests and background work finish, then closes the database. */
  close(): Promise<void>;
}

export async function startNodeServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase(config, "zhibu 服务");
  logger.info(
    database.kind === "pglite"
      ? `数据库：嵌入式 PGlite，数据目录 ${config.dataDir}`
      : "数据库：PostgreSQL（DATABASE_URL）",
  );
  for (const line of describePlatforms(config)) logger.info(line);

  const background = createBackgroundRunner((error) => logger.error("background task failed", { error }));
  // One client per platform, shared by webhooks and the scheduler so token cache and rate limits are one.
  const clients = config.feishu ? { feishu: createFeishuClient(config.feishu, { logger }) } : {};
  const { features, modules } = createBotModules({ config, db: database.db, logger, background, clients });
  const app = createApp({ config, database, logger }, modules);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info(
    `支部助手已启动：http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}/healthz`,
  );

  // Reminders: the ticker only says "now"; the outbox in the database keeps every instance in step.
  let ticker: Ticker | undefined;
  if (config.schedulerEnabled) {
    ticker = startTicker({
      scheduler: createConfiguredScheduler({
        config,
        db: database.db,
        logger,
        clients,
        planners: features.planners,
      }),
      logger,
      runAtStart: true,
    });
    logger.info("定时提醒：已启动（每分钟检查一次待发消息）");
  } else {
    logger.info("定时提醒：已关闭（SCHEDULER_ENABLED=false），本实例只处理 HTTP 请求");
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    database,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        });
        await ticker?.stop();
        await background.drain();
        await features.meetings.refresher.idle();
        await database.close();
      })();
      return closing;
    },
  };
}
