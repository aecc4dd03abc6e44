/**
 * The business clock of a test: it moves when the test says, and when the scheduler waits (a chat's
 * 1-per-interval, the app's rate) — a frozen clock would never reach the moment it waits for. Sleepers
 * wait side by side: each wakes at its own time, and the clock never goes back.
 */
export interface MovableClock {
  now: Date;
}

export function movableClock(start = new Date("2026-11-22T02:00:00Z")) {
  const clock: MovableClock = { now: start };
  return {
    clock,
    read: () => clock.now,
    sleep: async (ms: number) => {
      const until = clock.now.getTime() + Math.max(0, ms);
      await new Promise((resolve) => setImmediate(resolve));
      if (until > clock.now.getTime()) clock.now = new Date(until);
    },
  };
}
