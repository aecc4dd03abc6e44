import type { Database } from "../../db/types.ts";
import type { Recipients } from "../recipients.ts";

/** What the 第一议题 use cases need; built once with the feature. */
export interface StudyDeps {
  db: Database;
  timeZone: string;
  recipients: Recipients;
  /** Days after which an unstudied item, or an unrecorded meeting, makes a branch overdue. */
  overdueDays: number;
}
