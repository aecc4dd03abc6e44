import type { Database, Executor } from "../../db/types.ts";
import type { LiaisonSettings } from "../../domain/liaison-settings.ts";
import type { WorkCalendar } from "../../domain/work-calendar.ts";
import type { Recipients } from "../recipients.ts";

/** What the 联系点 use cases need; built once with the feature. */
export interface LiaisonDeps {
  db: Database;
  timeZone: string;
  recipients: Recipients;
  settings: LiaisonSettings;
  loadCalendar: (db: Executor) => Promise<WorkCalendar>;
}
