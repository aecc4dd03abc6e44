import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApiUsageRecorder } from "../app/api-usage.ts";
import { createLocalConsoleHost } from "../app/local-console.ts";
import { createRunningBot } from "../app/running-bot.ts";
import { type Config, describeUnconfiguredPlatforms } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import type { DatabaseHandle } from "../db/types.ts";
import { createApp, type RouteModule } from "../http/app.ts";
import { createBackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import { createOffsetClock } from "../lib/offset-clock.ts";
import { createAdapters } from "../platforms/create-adapters.ts";
import { localAdapterOf } from "../platforms/local/adapter.ts";
import { isLoopbackHost, type LocalConfig } from "../platforms/local/config.ts";
import { localConsoleRoutes } from "../platforms/local/routes.ts";
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

  const background = createBackgroundRunner((error) => logger.error("background task failed", { error }));
  // The local console's clock can be moved forward (time travel); without the console, the wall clock.
  const consoleClock = config.platforms.local !== undefined ? createOffsetClock() : undefined;
  // One adapter per platform, shared by receivers and the scheduler so token caches and rate limits are one.
  // API calls that count against a platform's monthly quota are tallied for `npx zhibu outbox stats`.
  const apiUsage = createApiUsageRecorder({ db: database.db, logger });
  const platforms = await createAdapters(config, {
    logger,
    background,
    apiUsage,
    ...(consoleClock ? { now: consoleClock.now } : {}),
  });
  for (const adapter of platforms.values()) logger.info(adapter.describe());
  for (const line of describeUnconfiguredPlatforms(config)) logger.info(line);
  // Replies and follow-ups queued by an event are sent at once by the outbox's sender, not at the next tick.
  const running = createRunningBot({
    config,
    db: database.db,
    logger,
    platforms,
    background,
    ...(consoleClock ? { clock: consoleClock.now } : {}),
  });
  const { bot, scheduler } = running;
  const modules: RouteModule[] = [];
  const local = localAdapterOf(platforms);
  if (local && consoleClock) {
    const host = createLocalConsoleHost({
      db: database.db,
      running,
      clock: consoleClock,
      timeZone: config.timezone,
    });
    const explicit = (config.platforms.local as LocalConfig).explicit;
    modules.push(localConsoleRoutes(local, host, { anyHost: explicit }));
  }
  const app = createApp({ config, database, logger, platforms, sink: bot.sink }, modules);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  for (const adapter of platforms.values()) await adapter.receiver.start?.(bot.sink);
  const base = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;
  logger.info(`支部助手已启动：${base}/healthz`);
  if (local) {
    logger.info(`本地体验控制台：在浏览器中打开 ${base}/`);
    // LOCAL_CONSOLE=on on a reachable address: whoever reaches it can act as any member.
    if (!isLoopbackHost(config.host))
      logger.warn(
        `本地体验控制台对能访问 ${config.host}:${port} 的所有人开放，任何人都可以以任何党员的身份操作；仅在可信网络中使用，或设置 LOCAL_CONSOLE=off`,
      );
  }

  // Whatever was acknowledged before a stop is processed now; the ticker then keeps at it.
  bot.inbox.kick();

  // Reminders: the ticker only says "now"; the outbox in the database keeps every instance in step.
  let ticker: Ticker | undefined;
  if (config.schedulerEnabled) {
    ticker = startTicker({ scheduler, logger, runAtStart: true });
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
        for (const adapter of platforms.values()) await adapter.receiver.stop?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        });
        await ticker?.stop();
        await running.idle();
        await apiUsage.flush();
        await database.close();
      })();
      return closing;
    },
  };
}
