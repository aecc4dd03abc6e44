import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { RouteModule } from "../http/app.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformClient, PlatformName } from "../platforms/types.ts";
import { createFeatures, type Features } from "./features.ts";
import { createFeishuModule } from "./feishu-module.ts";

/** The features and each configured platform's webhook, as Node and Workers both serve them. */
export function createBotModules(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  background: BackgroundRunner;
  clients: Partial<Record<PlatformName, PlatformClient>>;
}): { features: Features; modules: RouteModule[] } {
  const { config, db, logger, background, clients } = deps;
  const features = createFeatures({ db, config, logger, clients });
  const modules: RouteModule[] = [];
  if (config.feishu) {
    modules.push(
      createFeishuModule({
        config,
        feishu: config.feishu,
        db,
        logger,
        background,
        features,
        ...(clients.feishu ? { client: clients.feishu } : {}),
      }),
    );
  }
  return { features, modules };
}
