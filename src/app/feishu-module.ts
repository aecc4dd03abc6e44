/** Wires the Feishu channel: client, event router and the POST /feishu/events route. */
import type { Config, FeishuConfig } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { RouteModule } from "../http/app.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import { createFeishuClient } from "../platforms/feishu/client.ts";
import { createFeishuRoutes } from "../platforms/feishu/routes.ts";
import type { PlatformClient } from "../platforms/types.ts";
import type { CardActionRegistry } from "./card-actions.ts";
import { createEventRouter } from "./event-router.ts";
import { createFeatures, type Features } from "./features.ts";

export interface FeishuModuleDeps {
  config: Config;
  feishu: FeishuConfig;
  db: Database;
  logger: Logger;
  background: BackgroundRunner;
  /** Reuse one client (and its token cache and rate limits) across requests where the runtime allows. */
  client?: PlatformClient;
  /** Handlers registered by features (meetings …); "chat.bind" is added by the router itself. */
  cardActions?: CardActionRegistry;
  /** The meetings and 第一议题 features; built here from the same client when not given. */
  features?: Features;
  /** The business clock (meeting times, "today"); request signatures are always checked against wall time. */
  now?: () => Date;
  cardActionBudgetMs?: number;
}

export function createFeishuModule(deps: FeishuModuleDeps): RouteModule {
  const client = deps.client ?? createFeishuClient(deps.feishu, { logger: deps.logger });
  const features =
    deps.features ??
    createFeatures({
      db: deps.db,
      config: deps.config,
      logger: deps.logger,
      clients: { feishu: client },
      ...(deps.cardActions ? { cardActions: deps.cardActions } : {}),
    });
  const router = createEventRouter({
    db: deps.db,
    config: deps.config,
    logger: deps.logger,
    clients: { feishu: client },
    background: deps.background,
    botName: deps.feishu.botName,
    cardActions: features.cardActions,
    commandHandlers: features.commandHandlers,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.cardActionBudgetMs !== undefined ? { cardActionBudgetMs: deps.cardActionBudgetMs } : {}),
  });
  return createFeishuRoutes({
    config: deps.feishu,
    sink: router,
    background: deps.background,
    logger: deps.logger,
  });
}
