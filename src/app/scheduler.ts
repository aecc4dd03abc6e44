import type { SchedulerConfig } from "../config.ts";
import { pruneInboundEvents } from "../db/queries/inbound-events.ts";
import {
  appLimitKey,
  claimDue,
  claimSame,
  enqueue,
  holdSlotUntil,
  markFailed,
  markSent,
  markSkipped,
  nextClaimableAt,
  type OutboxRow,
  pruneSlots,
  reserveSlot,
  retryLater,
  skipExpired,
  slotFreeAt,
  targetLimitKey,
  tryTakeSlot,
  withdraw,
} from "../db/queries/outbox.ts";
import type { Database, Executor } from "../db/types.ts";
import { backoffDelayMs } from "../domain/backoff.ts";
import { applyWorkCalendar, type PlanResult } from "../domain/reminders.ts";
import type { WorkCalendar } from "../domain/work-calendar.ts";
import type { Logger } from "../lib/logger.ts";
import type { PlatformAdapter, PlatformSet } from "../platforms/adapter.ts";
import { type PlatformName, PlatformSendError } from "../platforms/types.ts";

/**
 * The scheduler use case. One `tick` plans reminders into the outbox and sends whatever is due.
 * All state is in Postgres, so node-cron on Node, a Cron Trigger on Workers, and any number of
 * instances at once can all call it.
 */

/** How long inbound event ids are kept to recognise redeliveries: far longer than any platform retries. */
export const INBOUND_EVENT_RETENTION_MS = 7 * 86_400_000;

export interface PlannerContext {
  db: Executor;
  now: Date;
  timeZone: string;
}

/**
 * A source of reminders. `plan` loads what it needs and hands it to a pure domain planner; the scheduler
 * applies the work calendar, stores the messages (deduplicated by key) and performs the withdrawals.
 * A feature lists its planners in its module (src/app/<feature>/index.ts).
 */
export interface ReminderPlanner {
  name: string;
  plan(ctx: PlannerContext): Promise<PlanResult>;
}

export interface SchedulerDeps {
  db: Database;
  /** The platforms this instance can send on; rows for other platforms wait. */
  platforms: PlatformSet;
  planners: ReminderPlanner[];
  timeZone: string;
  settings: SchedulerConfig;
  /** Loaded once per tick: official calendar plus the admin's local days off. */
  loadCalendar: (db: Executor) => Promise<WorkCalendar>;
  logger: Logger;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Sends in flight per instance; the shared rate limit, not this, sets the pace. */
  concurrency?: number;
  /** The durable inbox: what was acknowledged and not yet processed is processed first in each tick. */
  inbox?: { drain(options?: { budgetMs?: number }): Promise<unknown> };
  /** Test seam: runs right after rows are claimed; throwing there stops the tick like a crash would. */
  afterClaim?: (rows: OutboxRow[]) => Promise<void> | void;
}

export interface TickOptions {
  /** The instant to plan for; defaults to the clock. */
  now?: Date;
  /** Stop claiming new rows after this long (in-flight sends still finish). */
  budgetMs?: number;
  signal?: AbortSignal;
}

export interface TickReport {
  planned: number;
  withdrawn: number;
  expired: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  /** Claimed but put back because the target was still inside its interval. */
  deferred: number;
  /** Marks that found the row claimed by someone else (our lease had run out). */
  lostLeases: number;
  /** Platform calls that each carried one private message to several people (counted in `sent` per row). */
  batchCalls: number;
  plannerErrors: number;
}

export function emptyTickReport(): TickReport {
  return {
    planned: 0,
    withdrawn: 0,
    expired: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    skipped: 0,
    deferred: 0,
    lostLeases: 0,
    batchCalls: 0,
    plannerErrors: 0,
  };
}

export interface Scheduler {
  tick(options?: TickOptions): Promise<TickReport>;
  /** Sends what is due now, without planning: replies and follow-ups go out at once, not at the next tick. */
  flush(options?: Omit<TickOptions, "now">): Promise<TickReport>;
}

/** Of what a platform allows an app per second, the share the outbox uses when not configured. */
const DEFAULT_RATE_SHARE = 0.8;

// Slots are reserved exactly, but requests reach the platform with a few ms of jitter; 2% spacing
// keeps the rate the platform sees at or under the configured one.
const APP_RATE_HEADROOM = 0.02;

const LATE_SLOT_MS = 50;

// A tick waits for rows claimable within this (a chat's next message, a short 429) and leaves
// longer waits, such as backoff retries, to a later tick.
const MAX_IDLE_WAIT_MS = 3000;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

type Claimed = OutboxRow & { claimToken: string };

/**
 * What one worker sends in one go: a single row, or (`batch`) rows with the same kind and message to
 * different people on a platform that sends such a message to many in one call.
 */
interface SendUnit {
  rows: Claimed[];
  batch?: string;
}

function errorText(error: unknown): string {
  if (error instanceof PlatformSendError) {
    const d = error.details;
    const extra = [d.status ? `HTTP ${d.status}` : "", d.code !== undefined ? `code ${d.code}` : ""]
      .filter(Boolean)
      .join(", ");
    return extra ? `${error.message} (${extra})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const concurrency = deps.concurrency ?? 12;
  const { db, settings, logger } = deps;
  const platforms = [...deps.platforms.keys()];
  // Never faster than the platform allows, whatever OUTBOX_APP_RATE says.
  const rateOf = (a: PlatformAdapter) =>
    Math.min(
      settings.appRatePerSecond ?? a.limits.messagesPerSecond * DEFAULT_RATE_SHARE,
      a.limits.messagesPerSecond,
    );
  const appIntervalMs = new Map(
    [...deps.platforms.values()].map((a) => [a.name, (1000 / rateOf(a)) * (1 + APP_RATE_HEADROOM)]),
  );
  const targetIntervalMs = (platform: PlatformName) =>
    settings.targetIntervalMs ?? deps.platforms.get(platform)?.limits.targetIntervalMs ?? 1100;

  async function plan(now: Date, report: TickReport): Promise<void> {
    let calendar: WorkCalendar | undefined;
    for (const planner of deps.planners) {
      try {
        const result = await planner.plan({ db, now, timeZone: deps.timeZone });
        let messages = result.messages;
        if (messages.some((m) => m.workdaysOnly)) {
          calendar ??= await deps.loadCalendar(db);
          messages = applyWorkCalendar(messages, {
            calendar,
            timeZone: deps.timeZone,
            workdayTime: settings.workdayTime,
          });
        }
        report.planned += await enqueue(db, messages, now);
        for (const w of result.withdrawals) report.withdrawn += await withdraw(db, w, now);
      } catch (error) {
        // One broken planner must not stop the others, nor the sending of what is already queued.
        report.plannerErrors++;
        logger.error("提醒规划失败", { planner: planner.name, error });
      }
    }
  }

  async function settleFailure(row: OutboxRow & { claimToken: string }, error: unknown, report: TickReport) {
    const now = clock();
    const text = errorText(error);
    const err = error instanceof PlatformSendError ? error : undefined;
    const retryAfterMs = err?.details.retryAfterMs ?? (err?.details.status === 429 ? 1000 : undefined);
    if (retryAfterMs !== undefined) {
      // Rate limited: nobody on this key sends before the reset, and the try doesn't count.
      const until = new Date(now.getTime() + retryAfterMs);
      const targetLevel = err?.details.scope === "target";
      await holdSlotUntil(
        db,
        targetLevel ? targetLimitKey(row.platform, row.target) : appLimitKey(row.platform),
        until,
      );
      await retryLater(db, row, { nextAttemptAt: until, error: text, refund: true, now });
      report.retried++;
      return;
    }
    const retryable = err ? err.retryable : true;
    if (!retryable || row.attempts >= settings.maxAttempts) {
      await markFailed(db, row, `第 ${row.attempts} 次发送失败：${text}`, now);
      report.failed++;
      logger.warn("消息发送失败，已搁置", { id: row.id, kind: row.kind, error: text });
      return;
    }
    const delay = backoffDelayMs(row.attempts, random);
    await retryLater(db, row, { nextAttemptAt: new Date(now.getTime() + delay), error: text, now });
    report.retried++;
  }

  /** One call's slot of the app's shared rate: waits until it comes. */
  async function waitForAppSlot(platform: PlatformName, interval: number): Promise<void> {
    let slot = await reserveSlot(db, appLimitKey(platform), interval, clock());
    for (let tries = 1; ; tries++) {
      const wait = slot.getTime() - clock().getTime();
      if (wait > 0) await sleep(wait);
      // Woken late (a busy event loop, a slow query): the slot has passed, and sending in it now would
      // bunch with the slots after it. Take a fresh one, so no second carries more than its share.
      if (clock().getTime() - slot.getTime() <= LATE_SLOT_MS || tries >= 5) return;
      slot = await reserveSlot(db, appLimitKey(platform), interval, clock());
    }
  }

  /** False when the row has expired and was skipped instead. */
  async function stillUseful(row: Claimed, report: TickReport): Promise<boolean> {
    if (!row.expiresAt || row.expiresAt > clock()) return true;
    await markSkipped(db, row, row.expiryReason ?? "已过有效期", clock());
    report.skipped++;
    return false;
  }

  /**
   * The target's slot is taken at the moment of sending, so its 1-per-interval holds at the recipient
   * even if this worker woke up late. False: the row waits for it instead.
   */
  async function takeTargetSlot(row: Claimed, sendAt: Date, report: TickReport): Promise<boolean> {
    const targetKey = targetLimitKey(row.platform, row.target);
    if (await tryTakeSlot(db, targetKey, targetIntervalMs(row.platform), sendAt)) return true;
    const free = await slotFreeAt(db, targetKey, sendAt);
    await retryLater(db, row, { nextAttemptAt: free, error: null, refund: true, now: sendAt });
    report.deferred++;
    return false;
  }

  async function settleSent(row: Claimed, messageId: string, report: TickReport): Promise<void> {
    if (await markSent(db, row, messageId, clock())) report.sent++;
    else {
      report.lostLeases++;
      logger.warn("发送成功但租约已被接管；平台按幂等键去重", { id: row.id, key: row.idempotencyKey });
    }
  }

  async function sendOne(row: Claimed, report: TickReport): Promise<void> {
    const client = deps.platforms.get(row.platform)?.client;
    const interval = appIntervalMs.get(row.platform);
    if (!client || interval === undefined) return; // not claimable: claimDue filters on our platforms
    if (!(await stillUseful(row, report))) return;
    await waitForAppSlot(row.platform, interval);
    if (!(await takeTargetSlot(row, clock(), report))) return;
    let messageId: string;
    try {
      ({ messageId } = await client.send(row.target, row.message, { idempotencyKey: row.idempotencyKey }));
    } catch (error) {
      await settleFailure(row, error, report);
      return;
    }
    await settleSent(row, messageId, report);
  }

  /**
   * Rows with one message for different people, in one platform call: one slot of the app's rate, each
   * person's own slot, and each row settled on its own outcome — a person the platform refused or
   * throttled is failed or retried alone, the others are sent. A call that fails as a whole settles
   * every row as a single send's failure would.
   */
  async function sendBatch(rows: Claimed[], report: TickReport): Promise<void> {
    const first = rows[0];
    const batch = first && deps.platforms.get(first.platform)?.client.privateBatch;
    const interval = first && appIntervalMs.get(first.platform);
    if (!first || !batch || interval === undefined) return;
    const live: Claimed[] = [];
    for (const row of rows) if (await stillUseful(row, report)) live.push(row);
    if (live.length === 0) return;
    await waitForAppSlot(first.platform, interval);
    const sendAt = clock();
    const ready: Claimed[] = [];
    for (const row of live) if (await takeTargetSlot(row, sendAt, report)) ready.push(row);
    if (ready.length === 0) return;
    let outcomes: Awaited<ReturnType<typeof batch.send>>;
    try {
      outcomes = await batch.send(
        ready.map((r) => r.target.id),
        first.message,
      );
    } catch (error) {
      for (const row of ready) await settleFailure(row, error, report);
      return;
    }
    report.batchCalls++;
    for (const row of ready) {
      const outcome =
        outcomes.get(row.target.id) ?? new PlatformSendError("平台未答复此人的发送结果，稍后重试", true);
      if (outcome instanceof PlatformSendError) await settleFailure(row, outcome, report);
      else await settleSent(row, outcome.messageId, report);
    }
  }

  /** Rows that may share one call name the same batch: same platform, kind and message, to a person. */
  function batchOf(row: OutboxRow): string | undefined {
    const batch = deps.platforms.get(row.platform)?.client.privateBatch;
    if (!batch || row.target.type !== "user" || !batch.accepts(row.message)) return undefined;
    return JSON.stringify([row.platform, row.kind, row.message]);
  }

  /**
   * Groups a claim into send units, and tops up each batch left short with more rows of the same
   * message (claimSame), so N people take ceil(N / the platform's maximum) calls, not one per claim.
   */
  async function formUnits(claimed: Claimed[], token: string): Promise<SendUnit[]> {
    const units: SendUnit[] = [];
    const filling = new Map<string, SendUnit>();
    const maxOf = (row: OutboxRow) =>
      deps.platforms.get(row.platform)?.client.privateBatch?.maxRecipients ?? 1;
    for (const row of claimed) {
      const batch = batchOf(row);
      if (!batch) {
        units.push({ rows: [row] });
        continue;
      }
      let unit = filling.get(batch);
      if (!unit || unit.rows.length >= maxOf(row)) {
        unit = { rows: [], batch };
        units.push(unit);
        filling.set(batch, unit);
      }
      unit.rows.push(row);
    }
    for (const unit of filling.values()) {
      const first = unit.rows[0] as Claimed;
      const more = await claimSame(db, {
        now: clock(),
        limit: maxOf(first) - unit.rows.length,
        leaseMs: settings.leaseMs,
        token,
        platform: first.platform,
        kind: first.kind,
        message: first.message,
      });
      for (const row of more) unit.rows.push({ ...row, claimToken: token });
    }
    return units;
  }

  async function send(deadline: number, report: TickReport, signal?: AbortSignal): Promise<void> {
    if (platforms.length === 0) return;
    const queue: SendUnit[] = [];
    const queuedRows = () => queue.reduce((n, u) => n + u.rows.length, 0);
    let refilling: Promise<boolean> | undefined;
    const active = () => !signal?.aborted && clock().getTime() < deadline;

    // Single-flight: workers that run dry share one claim. Returns false when the tick is done.
    const refill = () => {
      refilling ??= (async () => {
        try {
          while (active()) {
            const token = crypto.randomUUID();
            const claimed = await claimDue(db, {
              now: clock(),
              limit: concurrency * 4 - queuedRows(),
              leaseMs: settings.leaseMs,
              token,
              platforms,
            });
            if (claimed.length > 0) {
              const units = await formUnits(
                claimed.map((row) => ({ ...row, claimToken: token })),
                token,
              );
              if (deps.afterClaim) await deps.afterClaim(units.flatMap((u) => u.rows));
              queue.push(...units);
              return true;
            }
            // Nothing claimable now: wait for what becomes claimable soon (a chat's next message,
            // a retry), rather than leaving it to the next tick a minute later.
            const next = await nextClaimableAt(db, platforms, clock());
            if (
              !next ||
              next.getTime() >= deadline ||
              next.getTime() - clock().getTime() > MAX_IDLE_WAIT_MS
            ) {
              return false;
            }
            await sleep(Math.min(1000, Math.max(20, next.getTime() - clock().getTime() + 5)));
          }
          return false;
        } finally {
          refilling = undefined;
        }
      })();
      return refilling;
    };

    // A claim that throws (the test seam simulating a crash, or the database going away) ends the tick.
    const claimFailure: { error?: unknown; failed: boolean } = { failed: false };
    const claim = () =>
      refill().catch((error: unknown) => {
        if (!claimFailure.failed) Object.assign(claimFailure, { error, failed: true });
        return false;
      });

    const worker = async () => {
      while (true) {
        if (claimFailure.failed) throw claimFailure.error;
        const unit = queue.shift();
        if (unit) {
          // Claim the next batch while this one is sending, so the rate limit never waits on a claim.
          if (queue.length < concurrency && active()) void claim();
          try {
            if (unit.batch) await sendBatch(unit.rows, report);
            else if (unit.rows[0]) await sendOne(unit.rows[0], report);
          } catch (error) {
            // A database hiccup: the rows stay leased and come back after the lease.
            logger.error("发送处理出错", { ids: unit.rows.map((r) => r.id), error });
          }
          continue;
        }
        if (!active()) return;
        if (!(await claim()) && queue.length === 0) {
          if (claimFailure.failed) throw claimFailure.error;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  return {
    async tick(options = {}) {
      const report = emptyTickReport();
      const started = clock().getTime();
      const now = options.now ?? clock();
      if (deps.inbox) {
        await deps.inbox
          .drain({ budgetMs: 15_000 })
          .catch((error: unknown) => logger.error("处理入站事件出错", { error }));
      }
      await plan(now, report);
      await pruneSlots(db, new Date(clock().getTime() - 3600_000));
      await pruneInboundEvents(db, new Date(clock().getTime() - INBOUND_EVENT_RETENTION_MS));
      const expired = await skipExpired(db, clock());
      report.expired = expired.length;
      for (const row of expired) {
        logger.info("过期提醒已跳过", { id: row.id, kind: row.kind, reason: row.skipReason });
      }
      await send(started + (options.budgetMs ?? 50_000), report, options.signal);
      return report;
    },
    async flush(options = {}) {
      const report = emptyTickReport();
      await send(clock().getTime() + (options.budgetMs ?? 20_000), report, options.signal);
      return report;
    },
  };
}
