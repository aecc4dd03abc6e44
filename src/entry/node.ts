import { ConfigError, loadConfig } from "../config.ts";
import { DataDirBusyError } from "../db/data-dir-lock.ts";
import { DatabaseStartError } from "../db/startup-errors.ts";
import { createLogger } from "../lib/logger.ts";
import { startNodeServer } from "../runtime/node-server.ts";

/** How long a stop may wait for work in flight; what is cut off is in the inbox or outbox for the next start. */
const SHUTDOWN_LIMIT_MS = 10_000;

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  // Signals are taken from the first moment: one that arrives while the server starts stops it as
  // soon as it is up, instead of killing it half-way through opening its database.
  let server: Awaited<ReturnType<typeof startNodeServer>> | undefined;
  let requested: string | undefined;
  let stopping = false;
  let stoppingSince = 0;
  const shutdown = (signal: string) => {
    // Under `npm start` a stop of the process group reaches node twice: once from the kernel, once
    // relayed by npm. That echo is not a second request to hurry.
    if (stopping && Date.now() - stoppingSince < 2_000) return;
    if (stopping) {
      // Everything acknowledged is already stored: a second signal only gives up waiting.
      logger.warn(`再次收到 ${signal}，立即退出；未完成的事件与消息在下次启动时继续处理`);
      process.exit(130);
    }
    if (!server) {
      requested = signal;
      return;
    }
    stopping = true;
    stoppingSince = Date.now();
    logger.info(
      `收到 ${signal}，正在停止：不再接收新请求，等待进行中的工作（最多 ${SHUTDOWN_LIMIT_MS / 1000} 秒）…`,
    );
    const limit = setTimeout(() => {
      logger.warn("等待超时，退出；未完成的事件与消息在下次启动时继续处理");
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    server.close().then(
      () => {
        logger.info("已停止");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("停止时出错", { error });
        process.exit(1);
      },
    );
  };
  // A database query whose caller went away (a connection cut in a failover, seen in the fault test) must
  // not take the whole server down: what it was for is in the inbox or outbox and is retried. Logged loudly.
  process.on("unhandledRejection", (reason) => {
    logger.error("未处理的异步错误（已记录，服务继续运行；相关工作由收件箱/待发消息重试）", {
      error: reason,
    });
  });
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // Started by a supervisor that then died without passing the signal on (npm killed alone): stop
  // as if told to, rather than run on as an orphan nobody can stop.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("父进程退出");
  }, 1_000).unref();
  server = await startNodeServer(config, logger);
  if (requested) shutdown(requested);
} catch (error) {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirBusyError ||
    error instanceof DatabaseStartError
  ) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
