import { listLocalDaysOff } from "../db/queries/calendar.ts";
import type { Executor } from "../db/types.ts";
import { createWorkCalendar, type WorkCalendar } from "../domain/work-calendar.ts";
import { loadOfficialCalendar } from "../lib/official-calendar.ts";

/** The official arrangement plus the admin's local days off, as stored now. */
export async function loadWorkCalendar(db: Executor): Promise<WorkCalendar> {
  return createWorkCalendar(loadOfficialCalendar(), await listLocalDaysOff(db));
}
