/**
 * Work done after answering a request. On Node the promises are tracked so shutdown can wait for them;
 * on Workers the same call goes to `waitUntil`.
 */
export interface BackgroundRunner {
  run(task: () => Promise<unknown>): void;
  /** Resolves once every task started so far has settled (or the timeout passes). */
  drain(timeoutMs?: number): Promise<void>;
}

export function createBackgroundRunner(onError: (error: unknown) => void): BackgroundRunner {
  const pending = new Set<Promise<unknown>>();
  return {
    run(task) {
      const p = Promise.resolve()
        .then(task)
        .catch(onError)
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0 && Date.now() < deadline) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.allSettled([...pending]),
          new Promise((r) => {
            timer = setTimeout(r, Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
    },
  };
}

/** For Workers: hand every task to the execution context. */
export function createWaitUntilRunner(
  waitUntil: (p: Promise<unknown>) => void,
  onError: (error: unknown) => void,
): BackgroundRunner {
  return {
    run(task) {
      waitUntil(Promise.resolve().then(task).catch(onError));
    },
    drain: async () => {},
  };
}
