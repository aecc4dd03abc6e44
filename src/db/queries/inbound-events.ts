import { sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
import { inboundEvents } from "../schema.ts";
import type { Executor } from "../types.ts";
import { arrayParam, selectInColumnOrder } from "../unnest.ts";

export interface InboundEventRecord {
  platform: PlatformName;
  eventId: string;
  eventType: string;
  receivedAt: Date;
}

/**
 * Records event ids; false for one seen before (platforms retry unanswered events), so a repeat is
 * answered and ignored. One statement, so two deliveries racing still process once; within the list the
 * first of repeats is the new one.
 */
export async function recordInboundEvents(
  db: Executor,
  events: readonly InboundEventRecord[],
): Promise<boolean[]> {
  const key = (e: { platform: string; eventId: string }) => `${e.platform}\u0000${e.eventId}`;
  const firsts = new Map<string, number>();
  events.forEach((e, n) => {
    if (!firsts.has(key(e))) firsts.set(key(e), n);
  });
  const unique = [...firsts.values()].map((n) => events[n] as InboundEventRecord);
  const inserted = await insertEvents(db, {
    platforms: unique.map((e) => e.platform),
    eventIds: unique.map((e) => e.eventId),
    eventTypes: unique.map((e) => e.eventType),
    receivedAts: unique.map((e) => e.receivedAt.toISOString()),
  });
  const fresh = new Set(inserted.map(key));
  return events.map((e, n) => firsts.get(key(e)) === n && fresh.has(key(e)));
}

const insertEvents = preparedStatement(
  (db) =>
    db
      .insert(inboundEvents)
      .select(
        selectInColumnOrder(
          inboundEvents,
          {
            platform: sql`q.platform`,
            eventId: sql`q.event_id`,
            eventType: sql`q.event_type`,
            receivedAt: sql`q.received_at`,
            // A click's id only: it is answered at once, and kept to recognise a redelivery.
            state: sql`'done'::inbox_state`,
            payload: sql`null`,
            attempts: sql`0`,
            nextAttemptAt: sql`null`,
            lockedUntil: sql`null`,
            claimToken: sql`null`,
            lastError: sql`null`,
            processedAt: sql`q.received_at`,
          },
          sql`unnest(${arrayParam("platforms", "platform")}, ${arrayParam("eventIds", "text")},
            ${arrayParam("eventTypes", "text")}, ${arrayParam("receivedAts", "timestamptz")})
            as q(platform, event_id, event_type, received_at)`,
        ),
      )
      .onConflictDoNothing({ target: [inboundEvents.platform, inboundEvents.eventId] })
      .returning({ platform: inboundEvents.platform, eventId: inboundEvents.eventId })
      .prepare("record_inbound_events") as {
      execute(args: Record<string, unknown>): Promise<{ platform: string; eventId: string }[]>;
    },
);

/**
 * Platforms redeliver an unanswered event for hours, not weeks (Feishu: after 15 s, 5 min, 1 h and
 * 6 h), so ids older than that can go — only of events handled: pending and parked ones stay. At most `limit` per call, so a long-neglected table is cleared a
 * slice per scheduler tick rather than in one long delete.
 */
export async function pruneInboundEvents(db: Executor, olderThan: Date, limit = 5000): Promise<number> {
  const deleted = await db
    .delete(inboundEvents)
    .where(
      sql`(${inboundEvents.platform}, ${inboundEvents.eventId}) in (
        select platform, event_id from inbound_events
        where received_at < ${olderThan.toISOString()}::timestamptz and state = 'done' limit ${limit})`,
    )
    .returning({ eventId: inboundEvents.eventId });
  return deleted.length;
}
