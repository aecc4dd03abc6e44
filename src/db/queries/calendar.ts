import { asc, eq } from "drizzle-orm";
import type { LocalDayOff } from "../../domain/work-calendar.ts";
import { localDaysOff } from "../schema.ts";
import type { Executor } from "../types.ts";

export async function listLocalDaysOff(db: Executor): Promise<LocalDayOff[]> {
  const found = await db
    .select({ day: localDaysOff.day, reason: localDaysOff.reason })
    .from(localDaysOff)
    .orderBy(asc(localDaysOff.day));
  return found;
}

/** Adding a day again replaces its reason. */
export async function addLocalDayOff(
  db: Executor,
  day: string,
  reason: string,
  addedBy: string,
): Promise<void> {
  await db
    .insert(localDaysOff)
    .values({ day, reason, addedBy })
    .onConflictDoUpdate({ target: localDaysOff.day, set: { reason, addedBy } });
}

export async function removeLocalDayOff(db: Executor, day: string): Promise<boolean> {
  const removed = await db.delete(localDaysOff).where(eq(localDaysOff.day, day)).returning();
  return removed.length > 0;
}
