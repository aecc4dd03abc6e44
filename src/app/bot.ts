/**
 * The bot put together from the list of features and the configured platforms: one event router for
 * every platform's receiver, the planners for the scheduler, and the hooks between features. Node,
 * Workers, the CLI and the tests all build it here.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import { duplicateWords } from "../domain/commands.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type { InboundSink, PlatformSet } from "../platforms/adapter.ts";
import { type CardActionRegistry, createCardActionRegistry } from "./card-actions.ts";
import { createEventRouter } from "./event-router.ts";
import { createEventBus, subscribe } from "./events.ts";
import type { CommandDef, Feature, FeatureModule } from "./feature.ts";
import { FEATURES } from "./features.ts";
import { createInboxProcessor, type InboxProcessor } from "./inbox.ts";
import { createRecipients, type Recipients } from "./recipients.ts";
import type { ReminderPlanner } from "./scheduler.ts";

export interface Bot {
  /** Where every platform's receiver hands its verified events. */
  sink: InboundSink;
  /** The durable inbox's processor: `drain` on each tick and at start-up. */
  inbox: InboxProcessor;
  planners: ReminderPlanner[];
  commands: readonly CommandDef<unknown>[];
  actions: CardActionRegistry;
  recipients: Recipients;
  platforms: PlatformSet;
  /** Resolves when every feature's background work (live card patches) is done. */
  idle(): Promise<void>;
}

export interface BotDeps {
  db: Database;
  config: Config;
  logger: Logger;
  platforms: PlatformSet;
  background: BackgroundRunner;
  /** The business clock (meeting times, "today"); tests move it. */
  now?: () => Date;
  cardActionBudgetMs?: number;
  /** Sends what was just queued in the outbox (the scheduler's flush), rather than at the next tick. */
  dispatch?: () => void;
  /** Defaults to every feature in src/app/features.ts. */
  features?: readonly FeatureModule[];
}

export class FeatureConflictError extends Error {
  constructor(readonly problems: string[]) {
    super(`功能模块冲突：\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "FeatureConflictError";
  }
}

export function createBot(deps: BotDeps): Bot {
  const { db, config, logger, platforms } = deps;
  const recipients = createRecipients(platforms.values());
  const events = createEventBus();
  const modules = deps.features ?? FEATURES;
  const built: { name: string; feature: Feature }[] = modules.map((m) => ({
    name: m.name,
    feature: m.create({ db, config, logger, platforms, recipients, events }),
  }));

  const commands = built.flatMap((b) => b.feature.commands ?? []);
  const actions = createCardActionRegistry();
  const problems = duplicateWords(commands).map((w) => `指令词“${w}”被多个功能使用`);
  const owner = new Map<string, string>();
  for (const { name, feature } of built) {
    for (const [action, handler] of Object.entries(feature.actions ?? {})) {
      const taken = owner.get(action);
      if (taken) {
        problems.push(`卡片操作“${action}”同时属于 ${taken} 和 ${name}`);
        continue;
      }
      owner.set(action, name);
      actions.register(action, handler);
    }
    if (feature.on) subscribe(events, feature.on);
  }
  if (problems.length > 0) throw new FeatureConflictError(problems);

  let inbox: InboxProcessor | undefined;
  const router = createEventRouter({
    db,
    config,
    logger,
    platforms,
    background: deps.background,
    cardActions: actions,
    commands,
    ...(deps.dispatch ? { dispatch: deps.dispatch } : {}),
    stored: () => inbox?.kick(),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.cardActionBudgetMs !== undefined ? { cardActionBudgetMs: deps.cardActionBudgetMs } : {}),
  });

  inbox = createInboxProcessor({
    db,
    router,
    logger,
    leaseMs: config.scheduler.leaseMs,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.dispatch ? { dispatch: deps.dispatch } : {}),
  });

  return {
    sink: router,
    inbox,
    planners: built.flatMap((b) => b.feature.planners ?? []),
    commands,
    actions,
    recipients,
    platforms,
    async idle() {
      await inbox?.idle();
      await Promise.all(built.map((b) => b.feature.idle?.()));
    },
  };
}
