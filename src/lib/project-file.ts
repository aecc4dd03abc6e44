import { existsSync } from "node:fs";

/**
 * A file shipped with the project (drizzle/, examples/), found from code that runs either as
 * src/<dir>/*.ts (tsx, tests) — two levels below the root — or bundled into dist/, one level below.
 */
export function projectFile(path: string, from: string): URL {
  const candidates = [new URL(`../../${path}`, from), new URL(`../${path}`, from)];
  return candidates.find((u) => existsSync(u)) ?? (candidates[0] as URL);
}
