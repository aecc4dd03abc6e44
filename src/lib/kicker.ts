/**
 * Runs a job soon, in the background, one run at a time: kicks that arrive while it runs make exactly
 * one more run afterwards, so nothing kicked is missed and a burst of kicks is not a burst of runs.
 * A run that fails (the database went away) is tried again a few times before it is left to the next tick.
 */
export interface Kicker {
  kick(): void;
  /** Resolves when no run is in progress or due (tests, shutdown). */
  idle(): Promise<void>;
}

export function createKicker(
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
  options: {
    retryMs?: number;
    maxRetries?: number;
    /** Least time between the end of one run and the start of the next, so a burst of kicks stays cheap. */
    minGapMs?: number;
  } = {},
): Kicker {
  const retryMs = options.retryMs ?? 3000;
  const minGapMs = options.minGapMs ?? 0;
  const maxRetries = options.maxRetries ?? 3;
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const kicker: Kicker = {
    kick() {
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          if (again && minGapMs > 0) await new Promise((r) => setTimeout(r, minGapMs));
          again = false;
          try {
            await run();
            failures = 0;
          } catch (error) {
            onError(error);
            if (++failures <= maxRetries) {
              clearTimeout(retry);
              retry = setTimeout(() => kicker.kick(), retryMs * failures);
              retry.unref?.();
            }
          }
        } while (again);
      })().finally(() => {
        running = undefined;
      });
    },
    async idle() {
      while (running) await running;
    },
  };
  return kicker;
}
