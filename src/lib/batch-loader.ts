import DataLoader from "dataloader";

/** The next turn of the event loop: Node's setImmediate where there is one (Workers with nodejs_compat too). */
const nextTurn: (callback: () => void) => void =
  typeof globalThis.setImmediate === "function"
    ? (callback) => {
        setImmediate(callback);
      }
    : (callback) => {
        setTimeout(callback, 0);
      };

/**
 * A function of one key whose calls are run as batches: every call made before the event loop's next
 * turn shares one run. Under load many requests reach the same step in one turn, so one statement
 * serves them all; a lone call waits only for that turn. Nothing is cached: every call is run.
 * When a batch fails its keys are run again one by one, so one bad key (a value the database refuses)
 * fails alone rather than taking strangers' clicks with it.
 */
export function createBatchLoader<K, V>(
  run: (keys: readonly K[]) => Promise<V[]>,
  options: { maxBatchSize?: number } = {},
): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(
    async (keys) => {
      try {
        return await run(keys);
      } catch (error) {
        if (keys.length === 1) throw error;
        return Promise.all(
          keys.map((key) =>
            run([key]).then(
              ([value]) => value as V,
              (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
            ),
          ),
        );
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 500,
      batchScheduleFn: nextTurn,
    },
  );
  return (key) => loader.load(key);
}
