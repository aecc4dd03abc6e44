/**
 * Who is away when: what the 外出 feature gives the others. Every planner that nudges a person
 * privately asks here and leaves out whoever is away that day; nudges resume the day after.
 */
import { awayBetween } from "../../db/queries/away.ts";
import type { Executor } from "../../db/types.ts";
import type { LeavePeriod } from "../../domain/away.ts";

/** Absences sharing a day with `from`–`to` (local days, inclusive), optionally only these members'. */
export function awayPeriods(
  db: Executor,
  from: string,
  to: string,
  memberIds?: readonly string[],
): Promise<LeavePeriod[]> {
  return awayBetween(db, from, to, memberIds);
}
