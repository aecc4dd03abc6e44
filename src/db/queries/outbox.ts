import { type SQL, sql } from "drizzle-orm";
import type { PlannedMessage, Withdrawal } from "../../domain/reminders.ts";
import type { MessageTarget, OutboundMessage, PlatformName } from "../../platforms/types.ts";
import { type RawRow, rawRows } from "../raw-rows.ts";
import type { Executor } from "../types.ts";

/**
 * All outbox SQL. Every function takes `now` from the caller (never the database clock), so a test
 * can replay a six-hour outage and several instances agree on one notion of time: the app's.
 * Raw SQL where Drizzle's builder can't say it (SKIP LOCKED claims, conditional upserts); it runs the
 * same on postgres.js and PGlite.
 */

export type OutboxState = "pending" | "sent" | "failed" | "skipped";

/** A planned message as stored, with its delivery state. */
export interface OutboxRow
  extends Pick<
    PlannedMessage,
    "idempotencyKey" | "kind" | "subject" | "platform" | "target" | "message" | "dueAt"
  > {
  id: number;
  expiresAt: Date | null;
  expiryReason: string | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  claimToken: string | null;
  lastError: string | null;
  skipReason: string | null;
  sentAt: Date | null;
  messageId: string | null;
}

const rows = rawRows;

const iso = (d: Date) => d.toISOString();
const at = (d: Date) => sql`${iso(d)}::timestamptz`;
const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function toRow(r: RawRow): OutboxRow {
  const payload = (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as OutboundMessage;
  return {
    id: Number(r.id),
    idempotencyKey: String(r.idempotency_key),
    kind: String(r.kind),
    subject: String(r.subject),
    platform: r.platform as PlatformName,
    target: { type: r.target_type as MessageTarget["type"], id: String(r.target_id) },
    message: payload,
    dueAt: toDate(r.due_at) as Date,
    expiresAt: toDate(r.expires_at),
    expiryReason: (r.expiry_reason as string | null) ?? null,
    state: r.state as OutboxState,
    attempts: Number(r.attempts),
    nextAttemptAt: toDate(r.next_attempt_at) as Date,
    lockedUntil: toDate(r.locked_until),
    claimToken: (r.claim_token as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    skipReason: (r.skip_reason as string | null) ?? null,
    sentAt: toDate(r.sent_at),
    messageId: (r.message_id as string | null) ?? null,
  };
}

// ── planning ─────────────────────────────────────────────────────────────────

/** Inserts what is new; a key planned before (by this or any other instance) is left as it is. */
export async function enqueue(db: Executor, messages: PlannedMessage[], now: Date): Promise<number> {
  let inserted = 0;
  // Chunks keep the statement under Postgres's parameter limit for large fan-outs.
  for (let i = 0; i < messages.length; i += 500) {
    const chunk = messages.slice(i, i + 500);
    const values = sql.join(
      chunk.map(
        (m) =>
          sql`(${m.idempotencyKey}, ${m.kind}, ${m.subject}, ${m.platform}::platform, ${m.target.type}::target_type, ${m.target.id}, ${JSON.stringify(m.message)}::jsonb, ${at(m.dueAt)}, ${m.expiresAt ? at(m.expiresAt) : null}, ${m.expiryReason ?? null}, ${at(m.dueAt)}, ${at(now)}, ${at(now)})`,
      ),
      sql`, `,
    );
    const result = await rows(
      db,
      sql`insert into outbox (idempotency_key, kind, subject, platform, target_type, target_id, payload, due_at, expires_at, expiry_reason, next_attempt_at, created_at, updated_at)
          values ${values}
          on conflict (idempotency_key) do nothing
          returning id`,
    );
    inserted += result.length;
  }
  return inserted;
}

/** Skips pending, unclaimed rows of the given subjects that the planner no longer produces. */
export async function withdraw(db: Executor, w: Withdrawal, now: Date): Promise<number> {
  if (w.subjects.length === 0) return 0;
  const subjects = sql.join(
    w.subjects.map((s) => sql`${s}`),
    sql`, `,
  );
  const keep =
    w.keep.length > 0
      ? sql`and idempotency_key not in (${sql.join(
          w.keep.map((k) => sql`${k}`),
          sql`, `,
        )})`
      : sql``;
  const result = await rows(
    db,
    sql`update outbox set state = 'skipped', skip_reason = ${w.reason}, updated_at = ${at(now)}
        where state = 'pending' and subject in (${subjects}) ${keep}
          and (locked_until is null or locked_until <= ${at(now)})
        returning id`,
  );
  return result.length;
}

// ── sending ──────────────────────────────────────────────────────────────────

/** Pending, unclaimed rows past their expiry are skipped with their reason rather than sent late. */
export async function skipExpired(db: Executor, now: Date): Promise<OutboxRow[]> {
  const result = await rows(
    db,
    sql`update outbox set state = 'skipped', updated_at = ${at(now)},
          skip_reason = coalesce(expiry_reason, '已过有效期') || '（到期 ' || to_char(due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC，失效 ' || to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC）'
        where state = 'pending' and expires_at is not null and expires_at <= ${at(now)}
          and (locked_until is null or locked_until <= ${at(now)})
        returning *`,
  );
  return result.map(toRow);
}

export const targetLimitKey = (platform: PlatformName, target: MessageTarget) =>
  `target:${platform}:${target.type}:${target.id}`;
export const appLimitKey = (platform: PlatformName) => `app:${platform}`;

export interface ClaimOptions {
  now: Date;
  limit: number;
  leaseMs: number;
  /** A fresh random token per claim; marking a row requires it. */
  token: string;
  /** Only platforms this instance can send on. */
  platforms: PlatformName[];
}

/**
 * Atomically leases up to `limit` due rows: at most one per target, none for a target that another
 * claim is still sending to or that is inside its rate-limit interval, so a batch can go out at once. SKIP LOCKED lets concurrent claimers pass each
 * other; a row whose lease runs out (its sender died) is due again. Each claim counts as an attempt,
 * so a message that crashes its sender every time is still parked eventually.
 */
export async function claimDue(db: Executor, o: ClaimOptions): Promise<OutboxRow[]> {
  if (o.platforms.length === 0 || o.limit <= 0) return [];
  const platforms = sql.join(
    o.platforms.map((p) => sql`${p}::platform`),
    sql`, `,
  );
  return leaseDue(db, o, sql`c.platform in (${platforms})`);
}

export interface ClaimSameOptions {
  now: Date;
  limit: number;
  leaseMs: number;
  token: string;
  /** The rows' platform, kind and message: only private rows with exactly these are taken. */
  platform: PlatformName;
  kind: string;
  message: OutboundMessage;
}

/**
 * Leases up to `limit` more due private rows with the same platform, kind and message as a batch being
 * formed, on claimDue's terms (one per person, none for a person someone is sending to — which includes
 * the batch's own — or who is inside their interval), so one platform call can carry them all.
 */
export async function claimSame(db: Executor, o: ClaimSameOptions): Promise<OutboxRow[]> {
  if (o.limit <= 0) return [];
  const now = at(o.now);
  return leaseDue(
    db,
    o,
    sql`c.platform = ${o.platform}::platform and c.target_type = 'user'::target_type
      and c.kind = ${o.kind} and c.payload = ${JSON.stringify(o.message)}::jsonb
      and (c.expires_at is null or c.expires_at > ${now})`,
  );
}

/** The claim both of the above make, for the due rows `filter` (on `c`) admits. */
async function leaseDue(
  db: Executor,
  o: { now: Date; limit: number; leaseMs: number; token: string },
  filter: SQL,
): Promise<OutboxRow[]> {
  const now = at(o.now);
  const result = await rows(
    db,
    // The candidate ids are computed once (an InitPlan) and the rows then locked through the primary key:
    // no join for the planner to misjudge where statistics are missing (PGlite has no autovacuum).
    sql`with picked as (
          select o.id from outbox o
          where o.id = any(array(
              select d.id from (
                select distinct on (c.platform, c.target_type, c.target_id) c.id, c.next_attempt_at
                from outbox c
                where c.state = 'pending' and c.next_attempt_at <= ${now}
                  and (c.locked_until is null or c.locked_until <= ${now})
                  and ${filter}
                  and ('target:' || c.platform || ':' || c.target_type || ':' || c.target_id) not in (
                    select r.key from send_rate_slots r where r.next_at > ${now})
                  and (c.platform, c.target_type, c.target_id) not in (
                    select l.platform, l.target_type, l.target_id from outbox l
                    where l.state = 'pending' and l.locked_until > ${now})
                order by c.platform, c.target_type, c.target_id, c.next_attempt_at, c.id
              ) d
              order by d.next_attempt_at, d.id
              limit ${o.limit}))
            and o.state = 'pending' and (o.locked_until is null or o.locked_until <= ${now})
          for update of o skip locked
        )
        update outbox set locked_until = ${at(new Date(o.now.getTime() + o.leaseMs))},
          claim_token = ${o.token}, attempts = outbox.attempts + 1, updated_at = ${now}
        from picked where outbox.id = picked.id
        returning outbox.*`,
  );
  return result
    .map(toRow)
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

/** The fence: only the claim that holds the row may settle it. */
const held = (id: number, token: string) => sql`id = ${id} and claim_token = ${token} and state = 'pending'`;
const release = sql`locked_until = null, claim_token = null`;

/** False if the lease had run out and another claim took the row (the platform's dedup covers that send). */
export async function markSent(
  db: Executor,
  row: { id: number; claimToken: string },
  messageId: string,
  now: Date,
): Promise<boolean> {
  const result = await rows(
    db,
    sql`update outbox set state = 'sent', sent_at = ${at(now)}, message_id = ${messageId}, last_error = null,
          ${release}, updated_at = ${at(now)}
        where ${held(row.id, row.claimToken)} returning id`,
  );
  return result.length === 1;
}

/** Back to pending for another try at `nextAttemptAt`; `refund` undoes the claim's attempt (rate limits aren't failures). */
export async function retryLater(
  db: Executor,
  row: { id: number; claimToken: string },
  o: { nextAttemptAt: Date; error: string | null; refund?: boolean; now: Date },
): Promise<boolean> {
  const result = await rows(
    db,
    sql`update outbox set next_attempt_at = ${at(o.nextAttemptAt)},
          last_error = coalesce(${o.error}, last_error),
          attempts = greatest(0, attempts - ${o.refund ? 1 : 0}),
          ${release}, updated_at = ${at(o.now)}
        where ${held(row.id, row.claimToken)} returning id`,
  );
  return result.length === 1;
}

/** Parks a row that will not succeed by retrying; an admin sees it with `outbox --failed`. */
export async function markFailed(
  db: Executor,
  row: { id: number; claimToken: string },
  error: string,
  now: Date,
): Promise<boolean> {
  const result = await rows(
    db,
    sql`update outbox set state = 'failed', last_error = ${error}, ${release}, updated_at = ${at(now)}
        where ${held(row.id, row.claimToken)} returning id`,
  );
  return result.length === 1;
}

export async function markSkipped(
  db: Executor,
  row: { id: number; claimToken: string },
  reason: string,
  now: Date,
): Promise<boolean> {
  const result = await rows(
    db,
    sql`update outbox set state = 'skipped', skip_reason = ${reason}, ${release}, updated_at = ${at(now)}
        where ${held(row.id, row.claimToken)} returning id`,
  );
  return result.length === 1;
}

/**
 * The earliest time anything pending could be claimed, considering retries, leases and the targets'
 * rate limits; null when nothing is pending. Lets a tick wait briefly instead of leaving a chat's
 * second message for the next minute.
 */
export async function nextClaimableAt(
  db: Executor,
  platforms: PlatformName[],
  now: Date,
): Promise<Date | null> {
  if (platforms.length === 0) return null;
  const list = sql.join(
    platforms.map((p) => sql`${p}::platform`),
    sql`, `,
  );
  const [r] = await rows(
    db,
    sql`select min(greatest(o.next_attempt_at, coalesce(o.locked_until, o.next_attempt_at),
                  coalesce(s.next_at, o.next_attempt_at), ${at(now)})) as at
        from outbox o
        left join send_rate_slots s on s.key = 'target:' || o.platform || ':' || o.target_type || ':' || o.target_id
        where o.state = 'pending' and o.platform in (${list})`,
  );
  return toDate(r?.at);
}

// ── rate limits ──────────────────────────────────────────────────────────────

/**
 * Reserves the next send slot of a shared limit (the app's messages per second): the slot starts at
 * max(now, the key's next free time) and moves that time on by `intervalMs`. One upsert, so instances
 * reserving at once get consecutive slots. Returns the slot's start; the caller waits until then.
 */
export async function reserveSlot(db: Executor, key: string, intervalMs: number, now: Date): Promise<Date> {
  const [r] = await rows(
    db,
    sql`insert into send_rate_slots as s (key, next_at) values (${key}, ${at(new Date(now.getTime() + intervalMs))})
        on conflict (key) do update
          set next_at = greatest(s.next_at, ${at(now)}) + make_interval(secs => ${intervalMs / 1000}::double precision)
        returning next_at`,
  );
  return new Date((toDate(r?.next_at) as Date).getTime() - intervalMs);
}

/**
 * Takes a target's (chat's or user's) slot only if it is free at `now`, and holds it for `intervalMs`.
 * False: someone sent to it less than an interval ago; the row waits instead.
 */
export async function tryTakeSlot(
  db: Executor,
  key: string,
  intervalMs: number,
  now: Date,
): Promise<boolean> {
  const until = at(new Date(now.getTime() + intervalMs));
  const result = await rows(
    db,
    sql`insert into send_rate_slots as s (key, next_at) values (${key}, ${until})
        on conflict (key) do update set next_at = ${until} where s.next_at <= ${at(now)}
        returning key`,
  );
  return result.length === 1;
}

/** Slots long past are only history; dropping them keeps the table as small as the recent targets. */
export async function pruneSlots(db: Executor, olderThan: Date): Promise<void> {
  await rows(db, sql`delete from send_rate_slots where next_at < ${at(olderThan)}`);
}

/** When the key is free again (now if it has no entry). */
export async function slotFreeAt(db: Executor, key: string, now: Date): Promise<Date> {
  const [r] = await rows(db, sql`select next_at from send_rate_slots where key = ${key}`);
  const next = toDate(r?.next_at);
  return next && next > now ? next : now;
}

/** A 429 says "not before then": nobody sends on this key until `until`. */
export async function holdSlotUntil(db: Executor, key: string, until: Date): Promise<void> {
  await rows(
    db,
    sql`insert into send_rate_slots as s (key, next_at) values (${key}, ${at(until)})
        on conflict (key) do update set next_at = greatest(s.next_at, ${at(until)})`,
  );
}

// ── admin ────────────────────────────────────────────────────────────────────

export async function listByState(db: Executor, state: OutboxState, limit = 200): Promise<OutboxRow[]> {
  const result = await rows(
    db,
    sql`select * from outbox where state = ${state}::outbox_state order by updated_at desc, id desc limit ${limit}`,
  );
  return result.map(toRow);
}

export async function getRow(db: Executor, id: number): Promise<OutboxRow | undefined> {
  const [r] = await rows(db, sql`select * from outbox where id = ${id}`);
  return r ? toRow(r) : undefined;
}

/** Failed rows back to pending with a fresh attempt count; returns the ids requeued. */
export async function requeue(
  db: Executor,
  which: { id: number } | "all-failed",
  now: Date,
): Promise<number[]> {
  const filter = which === "all-failed" ? sql`` : sql`and id = ${which.id}`;
  const result = await rows(
    db,
    sql`update outbox set state = 'pending', attempts = 0, next_attempt_at = ${at(now)}, ${release},
          updated_at = ${at(now)}
        where state = 'failed' ${filter} returning id`,
  );
  return result.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export async function countByState(db: Executor): Promise<Record<OutboxState, number>> {
  const result = await rows(db, sql`select state, count(*)::int as n from outbox group by state`);
  const counts: Record<OutboxState, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of result) counts[r.state as OutboxState] = Number(r.n);
  return counts;
}
