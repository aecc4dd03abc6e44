/**
 * Works off the durable inbox: every stored event is processed, once, with retries. A message or join runs
 * in one transaction with its done-mark (its replies are outbox rows in that transaction); a late click is
 * run again. What keeps failing is parked for an admin, and the person who wrote or clicked is told.
 */
import {
  type ClaimedEntry,
  claimInbound,
  completeInbound,
  failInbound,
  nextInboundAt,
  retryInbound,
} from "../db/queries/inbox.ts";
import { enqueue } from "../db/queries/outbox.ts";
import type { Database } from "../db/types.ts";
import { backoffDelayMs, inboxBackoff } from "../domain/backoff.ts";
import { createKicker } from "../lib/kicker.ts";
import type { Logger } from "../lib/logger.ts";
import type { EventRouter, StoredEvent } from "./event-router.ts";

export interface InboxReport {
  processed: number;
  retried: number;
  parked: number;
  /** Claimed but not settled (the database went away mid-way): back after the lease. */
  lost: number;
}

export interface InboxProcessor {
  /** Processes soon, in the background; several kicks while it runs make one more round. */
  kick(): void;
  /** Processes every due event (until `budgetMs`); the scheduler's tick and start-up call it. */
  drain(options?: { budgetMs?: number }): Promise<InboxReport>;
  /** Resolves when no kicked round is running (tests, shutdown). */
  idle(): Promise<void>;
}

class LostLease extends Error {
  constructor() {
    super("处理期间租约已被其他实例接管");
  }
}

export function createInboxProcessor(deps: {
  db: Database;
  router: EventRouter;
  logger: Logger;
  now?: () => Date;
  /** Tries before an event is parked as failed. */
  maxAttempts?: number;
  leaseMs?: number;
  batch?: number;
  /** Something was queued in the outbox: send it now. */
  dispatch?: () => void;
}): InboxProcessor {
  const { db, router, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const maxAttempts = deps.maxAttempts ?? 8;
  const leaseMs = deps.leaseMs ?? 60_000;
  const batch = deps.batch ?? 20;

  async function tell(entry: ClaimedEntry, event: StoredEvent) {
    // The person learns their command or click was not carried out, instead of waiting for nothing.
    const target =
      event.type === "message"
        ? { type: "chat" as const, id: event.chatId }
        : event.type === "card_action"
          ? { type: "user" as const, id: event.operator.id }
          : undefined;
    if (!target) return;
    const what = event.type === "message" ? `“${event.text.slice(0, 40)}”` : "卡片上的操作";
    const at = now();
    await enqueue(
      db,
      [
        {
          idempotencyKey: `inbox-failed:${entry.platform}:${entry.eventId}`,
          kind: "inbox.failed",
          subject: `event:${entry.platform}:${entry.eventId}`,
          platform: entry.platform,
          target,
          message: {
            kind: "text",
            text: `抱歉，您刚才的${what}未能处理成功，请重新操作；如仍不成功，请联系管理员。`,
          },
          dueAt: at,
        },
      ],
      at,
    );
  }

  async function processOne(entry: ClaimedEntry, report: InboxReport) {
    const event = entry.payload as StoredEvent;
    try {
      if (event.type === "card_action") {
        await router.processClick(event);
        if (!(await completeInbound(db, entry, entry.claimToken, now()))) throw new LostLease();
      } else {
        await db.transaction(async (tx) => {
          await router.process(event, tx as unknown as Database);
          if (!(await completeInbound(tx, entry, entry.claimToken, now()))) throw new LostLease();
        });
      }
      report.processed++;
      deps.dispatch?.();
    } catch (error) {
      if (error instanceof LostLease) return;
      const text = error instanceof Error ? error.message : String(error);
      try {
        await settleFailure(entry, event, text, report);
      } catch (settling) {
        // The database is away: the entry stays claimed and comes back when its lease runs out.
        report.lost++;
        logger.warn("入站事件处理失败且无法记录，租约到期后重试", {
          eventId: entry.eventId,
          error: settling,
        });
      }
    }
  }

  async function settleFailure(entry: ClaimedEntry, event: StoredEvent, text: string, report: InboxReport) {
    if (entry.attempts >= maxAttempts) {
      await failInbound(db, entry, text, now());
      await tell(entry, event).catch(() => {});
      report.parked++;
      logger.error("入站事件多次处理失败，已搁置", {
        eventId: entry.eventId,
        type: entry.eventType,
        error: text,
      });
      deps.dispatch?.();
      return;
    }
    const delay = backoffDelayMs(entry.attempts, Math.random, inboxBackoff);
    await retryInbound(db, entry, { error: text, nextAttemptAt: new Date(now().getTime() + delay) });
    report.retried++;
    logger.warn("入站事件处理失败，稍后重试", {
      eventId: entry.eventId,
      attempt: entry.attempts,
      error: text,
    });
  }

  async function drain(options: { budgetMs?: number } = {}): Promise<InboxReport> {
    const report: InboxReport = { processed: 0, retried: 0, parked: 0, lost: 0 };
    const deadline = Date.now() + (options.budgetMs ?? 30_000);
    while (Date.now() < deadline) {
      const claimed = await claimInbound(db, {
        now: now(),
        limit: batch,
        leaseMs,
        token: crypto.randomUUID(),
      });
      if (claimed.length === 0) break;
      // One at a time: events of one chat keep their order, and PGlite has one connection anyway.
      for (const entry of claimed) await processOne(entry, report);
    }
    return report;
  }

  // Retries due within the minute are not left to the next tick: a wake-up is set for the first of them.
  let wake: ReturnType<typeof setTimeout> | undefined;
  const kicker = createKicker(
    async () => {
      const report = await drain();
      if (report.retried > 0 || report.lost > 0) {
        const next = await nextInboundAt(db);
        const wait = next ? next.getTime() - now().getTime() : undefined;
        if (wait !== undefined && wait < 60_000) {
          clearTimeout(wake);
          wake = setTimeout(() => kicker.kick(), Math.max(50, wait));
          wake.unref?.();
        }
      }
    },
    (error) => logger.error("处理入站事件出错", { error }),
  );
  return { kick: kicker.kick, drain, idle: kicker.idle };
}
