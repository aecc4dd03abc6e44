import type { Executor } from "./types.ts";

/**
 * Statements on the hottest path (a burst of sign-in clicks) are built once per database handle and
 * executed with placeholders: building the SQL text anew costs more than running it.
 */
export function preparedStatement<Args extends Record<string, unknown>, Result>(
  build: (db: Executor) => { execute(args: Args): Promise<Result> },
): (db: Executor, args: Args) => Promise<Result> {
  const cache = new WeakMap<Executor, { execute(args: Args): Promise<Result> }>();
  return (db, args) => {
    let statement = cache.get(db);
    if (!statement) {
      statement = build(db);
      cache.set(db, statement);
    }
    return statement.execute(args);
  };
}
