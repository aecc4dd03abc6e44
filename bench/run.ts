/** `npm run bench`: runs every bench and prints its figures; exits non-zero if one misses its target. */
import { type BenchResult, benchFanout } from "./fanout.ts";
import { benchSignin } from "./signin.ts";
import { benchStatus } from "./status.ts";

const benches: [string, () => Promise<BenchResult>][] = [
  ["fanout", () => benchFanout()],
  ["signin", () => benchSignin()],
  ["status", () => benchStatus()],
];

// `npm run bench -- status` runs only the benches named.
const only = process.argv.slice(2);

let failed = false;
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`▶ ${name}`);
  const result = await run();
  for (const line of result.lines) console.log(line);
  failed ||= !result.ok;
}
process.exitCode = failed ? 1 : 0;
