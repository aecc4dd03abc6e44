/**
 * Work done after answering a request. On Node the tasks are tracked so shutdown can wait for them, and
 * bounded: at most `maxInFlight` run at once, at most `maxQueued` more wait their turn, and beyond that
 * `run` refuses (returns false) so the caller can answer "busy" (HTTP 503, and the platform redelivers)
 * instead of piling work up behind a hung call. On Workers the same call goes to `waitUntil`.
 */
export interface BackgroundRunner {
  /**
   * Starts the task, or queues it behind the ones running. False when the runner is full: the task was
   * not taken and will never run.
   */
  run(task: () => Promise<unknown>): boolean;
  /** Resolves once every task taken so far (running or queued) has settled, or the timeout passes. */
  drain(timeoutMs?: number): Promise<void>;
}

export interface BackgroundLimits {
  /** Tasks running at once. */
  maxInFlight: number;
  /** Tasks waiting for a free place; past this `run` returns false. */
  maxQueued: number;
}

/**
 * Each task is a message to handle or a late card patch: a few database statements and one platform call
 * (which times out after about 10 s), so 32 at once is far more than a 4-connection pool serves, and 256
 * waiting is several minutes of a burst without letting memory grow without bound.
 */
export const DEFAULT_BACKGROUND_LIMITS: BackgroundLimits = { maxInFlight: 32, maxQueued: 256 };

/** For callers that prefer an exception to a false. */
export class BackgroundBusyError extends Error {
  constructor() {
    super("系统繁忙：后台任务已满，请稍后再试");
    this.name = "BackgroundBusyError";
  }
}

/** `run`, throwing BackgroundBusyError when the runner is full. */
export function runOrThrow(runner: BackgroundRunner, task: () => Promise<unknown>): void {
  if (!runner.run(task)) throw new BackgroundBusyError();
}

export function createBackgroundRunner(
  onError: (error: unknown) => void,
  limits: Partial<BackgroundLimits> = {},
): BackgroundRunner {
  const { maxInFlight, maxQueued } = { ...DEFAULT_BACKGROUND_LIMITS, ...limits };
  if (!(maxInFlight >= 1) || !(maxQueued >= 0)) throw new RangeError("background limits must be positive");
  let running = 0;
  const queue: (() => Promise<unknown>)[] = [];
  const idleWaiters = new Set<() => void>();

  const start = (task: () => Promise<unknown>) => {
    running++;
    // An onError that throws (tests make failures loud that way) rejects this chain; the queue moves on.
    void Promise.resolve()
      .then(task)
      .catch(onError)
      .finally(() => {
        running--;
        const next = queue.shift();
        if (next) start(next);
        else if (running === 0) {
          for (const resolve of idleWaiters) resolve();
          idleWaiters.clear();
        }
      });
  };

  return {
    run(task) {
      if (running < maxInFlight) {
        start(task);
        return true;
      }
      if (queue.length < maxQueued) {
        queue.push(task);
        return true;
      }
      return false;
    },
    async drain(timeoutMs = 10_000) {
      if (running === 0 && queue.length === 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let done: (() => void) | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          done = resolve;
          idleWaiters.add(resolve);
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (done) idleWaiters.delete(done);
    },
  };
}

/** For Workers: hand every task to the execution context, which bounds a request's work itself. */
export function createWaitUntilRunner(
  waitUntil: (p: Promise<unknown>) => void,
  onError: (error: unknown) => void,
): BackgroundRunner {
  return {
    run(task) {
      waitUntil(Promise.resolve().then(task).catch(onError));
      return true;
    },
    drain: async () => {},
  };
}
