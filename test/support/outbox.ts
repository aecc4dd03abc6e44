import { enqueue } from "../../src/db/queries/outbox.ts";
import type { Database } from "../../src/db/types.ts";
import { idempotencyKey, type PlannedMessage } from "../../src/domain/reminders.ts";
import type { MessageTarget } from "../../src/platforms/types.ts";

/** `count` reminders spread round-robin over `chats` chats, all due at `dueAt`. */
export function fanout(count: number, chats: number, dueAt: Date, extra: Partial<PlannedMessage> = {}) {
  const messages: PlannedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const target: MessageTarget = { type: "chat", id: `oc_chat_${String(i % chats).padStart(4, "0")}` };
    const subject = `test:${i}`;
    messages.push({
      idempotencyKey: idempotencyKey({ kind: "test.fanout", subject, platform: "feishu", target, slot: "s" }),
      kind: "test.fanout",
      subject,
      platform: "feishu",
      target,
      message: { kind: "text", text: `提醒 ${i}` },
      dueAt,
      ...extra,
    });
  }
  return messages;
}

export async function enqueueFanout(db: Database, count: number, chats: number, dueAt: Date) {
  const messages = fanout(count, chats, dueAt);
  await enqueue(db, messages, dueAt);
  return messages;
}

/** Largest number of timestamps in any half-open window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Smallest gap between consecutive messages to the same recipient. */
export function minGapPerRecipient(items: { to: string; at: number }[]): number {
  const by = new Map<string, number[]>();
  for (const i of items) by.set(i.to, [...(by.get(i.to) ?? []), i.at]);
  let min = Number.POSITIVE_INFINITY;
  for (const times of by.values()) {
    times.sort((a, b) => a - b);
    for (let k = 1; k < times.length; k++)
      min = Math.min(min, (times[k] as number) - (times[k - 1] as number));
  }
  return min;
}
