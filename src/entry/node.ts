import { ConfigError, loadConfig } from "../config.ts";
import { DataDirBusyError } from "../db/data-dir-lock.ts";
import { createLogger } from "../lib/logger.ts";
import { startNodeServer } from "../runtime/node-server.ts";

/** How long a stop may wait for work in flight; what is cut off is in the inbox or outbox for the next start. */
const SHUTDOWN_LIMIT_MS = 10_000;

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startNodeServer(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // Everything acknowledged is already stored: a second signal only gives up waiting.
      logger.warn(`再次收到 ${signal}，立即退出；未完成的事件与消息在下次启动时继续处理`);
      process.exit(130);
    }
    stopping = true;
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
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirBusyError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
