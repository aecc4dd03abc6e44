/**
 * A clock that runs with wall time but can be moved forward: the local console's “time travel”. Only
 * the console's runtime uses it; production runs on the plain wall clock.
 */
export interface OffsetClock {
  now(): Date;
  offsetMs(): number;
  /** Moves forward by `ms` (never back: what was stored at a later time would then lie ahead). */
  advance(ms: number): void;
}

export function createOffsetClock(wall: () => number = Date.now): OffsetClock {
  let offset = 0;
  return {
    now: () => new Date(wall() + offset),
    offsetMs: () => offset,
    advance(ms) {
      if (!(ms > 0)) throw new RangeError("the clock only moves forward");
      offset += ms;
    },
  };
}
