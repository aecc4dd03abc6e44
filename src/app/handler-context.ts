import type { Config } from "../config.ts";
import type { MemberRow } from "../db/queries/members.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformAdapter } from "../platforms/adapter.ts";

/** What every command and card-action handler is given: who acted, where, and the bot's means. */
export interface HandlerContext {
  /** The roster member who acted; unknown users never reach a handler. */
  member: MemberRow;
  db: Database;
  config: Config;
  /** The platform the member acted on. */
  platform: PlatformAdapter;
  logger: Logger;
  now: Date;
}
