/** Retry delays for failed sends: exponential growth, capped, with jitter so instances don't retry in lockstep. */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60_000, factor: 2 };

/**
 * For inbound events someone is waiting on: a database failover is usually over in seconds, so the first
 * retries come quickly (1–2 s, 3–6 s, 9–18 s …) and the eighth about half an hour after the first.
 */
export const inboxBackoff: BackoffPolicy = { baseMs: 2_000, maxMs: 30 * 60_000, factor: 3 };

/**
 * Delay before retry number `attempt` (1 = the first retry). "Equal jitter": half the exponential
 * delay is kept, the other half is random, so a retry never comes back immediately yet rows that failed
 * together spread out. `random` returns [0, 1) and is passed in to keep this pure and testable.
 */
export function backoffDelayMs(attempt: number, random: () => number, policy = defaultBackoff): number {
  const n = Math.max(1, Math.floor(attempt));
  const exponential = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (n - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(exponential / 2 + (exponential / 2) * r);
}
