/**
 * Runs a job soon, in the background, one run at a time: kicks that arrive while it runs make exactly
 * one more run afterwards, so nothing kicked is missed and a burst of kicks is not a burst of runs.
 */
export interface Kicker {
  kick(): void;
  /** Resolves when no run is in progress or due (tests, shutdown). */
  idle(): Promise<void>;
}

export function createKicker(run: () => Promise<unknown>, onError: (error: unknown) => void): Kicker {
  let running: Promise<void> | undefined;
  let again = false;
  return {
    kick() {
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await run().catch(onError);
        } while (again);
      })().finally(() => {
        running = undefined;
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
