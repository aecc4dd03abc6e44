import type { Config } from "../config.ts";
import type { MemberRow } from "../db/queries/members.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformClient } from "../platforms/types.ts";

/** What every command and card-action handler is given: who acted, and the bot's means. */
export interface HandlerContext {
  /** The roster member who acted; unknown users never reach a handler. */
  member: MemberRow;
  db: Database;
  config: Config;
  client: PlatformClient;
  logger: Logger;
  now: Date;
}
