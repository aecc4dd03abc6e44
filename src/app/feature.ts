/**
 * What a feature is: one folder under src/app/ exporting one FeatureModule — its chat commands (words,
 * usage, parser and handler together), card actions, scheduler planners and the hooks it listens to.
 * src/app/features.ts lists them; src/app/bot.ts puts them together for Node, Workers, the CLI and tests.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import { type CommandSyntax, withTextCap } from "../domain/commands.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformSet } from "../platforms/adapter.ts";
import type { CardActionHandler } from "./card-actions.ts";
import type { CommandContext } from "./command-context.ts";
import type { BotEvents, EventBus } from "./events.ts";
import type { Recipients } from "./recipients.ts";
import type { ReminderPlanner } from "./scheduler.ts";

/** What every feature is built from. */
export interface FeatureDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** The configured platforms; a feature never names one. */
  platforms: PlatformSet;
  /** "These members / this branch's chat, on every platform they are reachable on." */
  recipients: Recipients;
  /** Tells other features what happened (e.g. a meeting closed). */
  events: EventBus;
}

/** A chat command: its syntax (pure, usually from src/domain) and what it does. */
export interface CommandDef<A = unknown> extends CommandSyntax<A> {
  handle(ctx: CommandContext, args: A): Promise<void>;
}

/**
 * Keeps a command's argument type between its parser and its handler inside a list of commands, and
 * refuses a command text over TEXT_LIMITS.commandText before it is parsed.
 */
export function defineCommand<A>(def: CommandDef<A>): CommandDef<unknown> {
  return withTextCap<A, CommandDef<A>>(def) as CommandDef<unknown>;
}

export type EventHandlers = { [E in keyof BotEvents]?: (payload: BotEvents[E]) => Promise<void> };

export interface Feature {
  commands?: CommandDef<unknown>[];
  /** Card actions by name (the `action` field of a button's value). */
  actions?: Record<string, CardActionHandler>;
  planners?: ReminderPlanner[];
  on?: EventHandlers;
  /** Resolves when the feature's own background work (live card patches) is done: tests, shutdown. */
  idle?(): Promise<void>;
}

export interface FeatureModule {
  name: string;
  create(deps: FeatureDeps): Feature;
}
