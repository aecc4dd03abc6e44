import { ConfigError, loadConfig } from "../config.ts";
import { DataDirBusyError } from "../db/data-dir-lock.ts";
import { createLogger } from "../lib/logger.ts";
import { startNodeServer } from "../runtime/node-server.ts";

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startNodeServer(config, logger);
  const shutdown = (signal: string) => {
    logger.info(`收到 ${signal}，正在停止…`);
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
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirBusyError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
