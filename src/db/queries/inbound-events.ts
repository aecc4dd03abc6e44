import { sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
import { inboundEvents } from "../schema.ts";
import type { Executor } from "../types.ts";

/**
 * Records an event id; false when it was seen before (platforms retry unanswered events),
 * so a repeat is answered and ignored. One statement, so two deliveries racing still process once.
 */
export async function recordInboundEvent(
  db: Executor,
  event: { platform: PlatformName; eventId: string; eventType: string; receivedAt: Date },
): Promise<boolean> {
  const inserted = await insertEvent(db, { ...event, receivedAt: event.receivedAt.toISOString() });
  return inserted.length > 0;
}

const insertEvent = preparedStatement(
  (db) =>
    db
      .insert(inboundEvents)
      .values({
        platform: sql.placeholder("platform"),
        eventId: sql.placeholder("eventId"),
        eventType: sql.placeholder("eventType"),
        receivedAt: sql`${sql.placeholder("receivedAt")}::timestamptz`,
      })
      .onConflictDoNothing({ target: [inboundEvents.platform, inboundEvents.eventId] })
      .returning({ eventId: inboundEvents.eventId })
      .prepare("record_inbound_event") as {
      execute(args: Record<string, unknown>): Promise<{ eventId: string }[]>;
    },
);
