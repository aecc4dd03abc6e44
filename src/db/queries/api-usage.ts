/** Platform API calls per month (for quotas): added to as calls go out, read by `outbox stats`. */
import { eq, sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { platformApiCalls } from "../schema.ts";
import type { Executor } from "../types.ts";

export async function addApiCalls(
  db: Executor,
  platform: PlatformName,
  month: string,
  calls: number,
  now: Date,
): Promise<void> {
  await db
    .insert(platformApiCalls)
    .values({ platform, month, calls, updatedAt: now })
    .onConflictDoUpdate({
      target: [platformApiCalls.platform, platformApiCalls.month],
      set: { calls: sql`${platformApiCalls.calls} + ${calls}`, updatedAt: now },
    });
}

export async function apiCallsInMonth(
  db: Executor,
  month: string,
): Promise<{ platform: PlatformName; calls: number }[]> {
  return db
    .select({ platform: platformApiCalls.platform, calls: platformApiCalls.calls })
    .from(platformApiCalls)
    .where(eq(platformApiCalls.month, month));
}
