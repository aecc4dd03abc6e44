import type { Database } from "../../db/types.ts";
import type { Logger } from "../../lib/logger.ts";
import type { PlatformSet } from "../../platforms/adapter.ts";
import type { EventBus } from "../events.ts";
import type { Recipients } from "../recipients.ts";
import type { CardRefresher } from "./card-refresher.ts";

/** What the meeting use cases need; built once with the feature. */
export interface MeetingDeps {
  db: Database;
  timeZone: string;
  platforms: PlatformSet;
  recipients: Recipients;
  events: EventBus;
  logger: Logger;
  refresher: CardRefresher;
  /** Default length of a meeting when only its start is given. */
  defaultMinutes: number;
  /** The configured reminders and sign-in lead, so the confirmation card promises what will happen. */
  reminders: { leadMinutes: number[]; dayBeforeAt?: string; signInLeadMinutes: number };
}
