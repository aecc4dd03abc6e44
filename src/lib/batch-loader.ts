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
 */
export function createBatchLoader<K, V>(
  run: (keys: readonly K[]) => Promise<V[]>,
  options: { maxBatchSize?: number } = {},
): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(run, {
    cache: false,
    maxBatchSize: options.maxBatchSize ?? 500,
    batchScheduleFn: nextTurn,
  });
  return (key) => loader.load(key);
}
