import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformSet } from "../platforms/adapter.ts";
import { createScheduler, type ReminderPlanner, type Scheduler } from "./scheduler.ts";
import { loadWorkCalendar } from "./work-calendar.ts";

/** The scheduler as `npm start` and the Worker's Cron Trigger run it: the bot's planners and limits. */
export function createConfiguredScheduler(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  platforms: PlatformSet;
  /** The features' planners (reminders, sign-in cards, closing meetings, 第一议题 nudges…): bot.planners. */
  planners: ReminderPlanner[];
  /** Stored inbound events are processed at the start of every tick (after an outage, a crash). */
  inbox?: { drain(options?: { budgetMs?: number }): Promise<unknown> };
  /** Tests move time; production uses the system clock. */
  clock?: () => Date;
  /** Tests on a movable clock wait by moving it; production waits for real. */
  sleep?: (ms: number) => Promise<void>;
}): Scheduler {
  return createScheduler({
    db: deps.db,
    platforms: deps.platforms,
    planners: deps.planners,
    timeZone: deps.config.timezone,
    settings: deps.config.scheduler,
    loadCalendar: loadWorkCalendar,
    logger: deps.logger,
    ...(deps.inbox ? { inbox: deps.inbox } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
}
