/**
 * The durable inbox's queries: an event is stored before the platform is answered, claimed with a lease
 * (several instances may process), and marked done in the transaction of its effects.
 */
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { rawRows } from "../raw-rows.ts";
import { inboundEvents } from "../schema.ts";
import type { Executor } from "../types.ts";

export interface InboxEntry {
  platform: PlatformName;
  eventId: string;
  eventType: string;
  payload: unknown;
}

export interface ClaimedEntry extends InboxEntry {
  attempts: number;
  receivedAt: Date;
  claimToken: string;
}

/**
 * Stores an event to be processed; false when this platform delivered the same event before (a
 * redelivery is answered and not processed twice).
 */
export async function acceptInbound(db: Executor, entry: InboxEntry, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(inboundEvents)
    .values({ ...entry, state: "pending", receivedAt: now, nextAttemptAt: now })
    .onConflictDoNothing({ target: [inboundEvents.platform, inboundEvents.eventId] })
    .returning({ eventId: inboundEvents.eventId });
  return inserted.length > 0;
}

/**
 * A click whose work outlived the platform's wait: kept as pending (its id was recorded when it arrived),
 * so it is finished by retry if the work in flight does not finish it first.
 */
export async function deferInbound(db: Executor, entry: InboxEntry, retryAt: Date, now: Date): Promise<void> {
  await db
    .insert(inboundEvents)
    .values({ ...entry, state: "pending", receivedAt: now, nextAttemptAt: retryAt })
    .onConflictDoUpdate({
      target: [inboundEvents.platform, inboundEvents.eventId],
      set: { state: "pending", payload: entry.payload, nextAttemptAt: retryAt },
    });
}

/** Claims due pending events for `leaseMs`; another instance takes them over once the lease runs out. */
export async function claimInbound(
  db: Executor,
  o: { now: Date; limit: number; leaseMs: number; token: string },
): Promise<ClaimedEntry[]> {
  const now = o.now.toISOString();
  const list = await rawRows(
    db,
    sql`
    with picked as (
      select platform, event_id from inbound_events
      where state = 'pending' and next_attempt_at <= ${now}::timestamptz
        and (locked_until is null or locked_until <= ${now}::timestamptz)
      order by next_attempt_at
      limit ${o.limit}
      for update skip locked
    )
    update inbound_events e
    set locked_until = ${new Date(o.now.getTime() + o.leaseMs).toISOString()}::timestamptz,
        claim_token = ${o.token}::uuid, attempts = e.attempts + 1
    from picked where e.platform = picked.platform and e.event_id = picked.event_id
    returning e.platform, e.event_id, e.event_type, e.payload, e.attempts, e.received_at`,
  );
  return list.map((r) => ({
    platform: r.platform as PlatformName,
    eventId: String(r.event_id),
    eventType: String(r.event_type),
    payload: typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload,
    attempts: Number(r.attempts),
    receivedAt: new Date(String(r.received_at)),
    claimToken: o.token,
  }));
}

const mine = (e: { platform: PlatformName; eventId: string }, token: string | undefined) =>
  and(
    eq(inboundEvents.platform, e.platform),
    eq(inboundEvents.eventId, e.eventId),
    eq(inboundEvents.state, "pending"),
    token ? eq(inboundEvents.claimToken, token) : undefined,
  );

/**
 * Done: run it in the transaction of the event's effects. Without a token (the click's own work
 * finishing late) any pending entry is closed. False when someone else holds it now.
 */
export async function completeInbound(
  db: Executor,
  e: { platform: PlatformName; eventId: string },
  token: string | undefined,
  now: Date,
): Promise<boolean> {
  const done = await db
    .update(inboundEvents)
    .set({ state: "done", processedAt: now, payload: null, lockedUntil: null, lastError: null })
    .where(mine(e, token))
    .returning({ eventId: inboundEvents.eventId });
  return done.length > 0;
}

export async function retryInbound(
  db: Executor,
  e: ClaimedEntry,
  o: { error: string; nextAttemptAt: Date },
): Promise<void> {
  await db
    .update(inboundEvents)
    .set({ lastError: o.error.slice(0, 2000), nextAttemptAt: o.nextAttemptAt, lockedUntil: null })
    .where(mine(e, e.claimToken));
}

export async function failInbound(db: Executor, e: ClaimedEntry, error: string, now: Date): Promise<void> {
  await db
    .update(inboundEvents)
    .set({ state: "failed", lastError: error.slice(0, 2000), lockedUntil: null, processedAt: now })
    .where(mine(e, e.claimToken));
}

export interface InboxRow {
  platform: PlatformName;
  eventId: string;
  eventType: string;
  state: "pending" | "done" | "failed";
  attempts: number;
  receivedAt: Date;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

export async function listInbound(
  db: Executor,
  state: "pending" | "failed",
  limit = 200,
): Promise<InboxRow[]> {
  return db
    .select({
      platform: inboundEvents.platform,
      eventId: inboundEvents.eventId,
      eventType: inboundEvents.eventType,
      state: inboundEvents.state,
      attempts: inboundEvents.attempts,
      receivedAt: inboundEvents.receivedAt,
      nextAttemptAt: inboundEvents.nextAttemptAt,
      lastError: inboundEvents.lastError,
    })
    .from(inboundEvents)
    .where(eq(inboundEvents.state, state))
    .orderBy(asc(inboundEvents.receivedAt))
    .limit(limit);
}

/** Puts parked events back to be processed now, with a fresh count of attempts. */
export async function requeueInbound(
  db: Executor,
  which: { eventId: string } | { allFailed: true },
  now: Date,
): Promise<number> {
  const rows = await db
    .update(inboundEvents)
    .set({ state: "pending", attempts: 0, nextAttemptAt: now, lockedUntil: null })
    .where(
      and(
        eq(inboundEvents.state, "failed"),
        "eventId" in which ? eq(inboundEvents.eventId, which.eventId) : undefined,
      ),
    )
    .returning({ eventId: inboundEvents.eventId });
  return rows.length;
}

export async function countInbound(db: Executor): Promise<Record<"pending" | "done" | "failed", number>> {
  const rows = await db
    .select({ state: inboundEvents.state, n: count() })
    .from(inboundEvents)
    .groupBy(inboundEvents.state);
  const out = { pending: 0, done: 0, failed: 0 };
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

/** The earliest moment a pending event can be claimed (due, and its lease if any run out). */
export async function nextInboundAt(db: Executor): Promise<Date | undefined> {
  const [row] = await db
    .select({
      at: sql<
        string | null
      >`min(greatest(${inboundEvents.nextAttemptAt}, coalesce(${inboundEvents.lockedUntil}, ${inboundEvents.nextAttemptAt})))`,
    })
    .from(inboundEvents)
    .where(eq(inboundEvents.state, "pending"));
  return row?.at ? new Date(row.at) : undefined;
}
