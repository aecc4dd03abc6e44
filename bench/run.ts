/** `npm run bench`: runs every bench and prints its figures; exits non-zero if one misses its target. */
import { type BenchResult, benchFanout } from "./fanout.ts";
import { benchSignin } from "./signin.ts";

const benches: [string, () => Promise<BenchResult>][] = [
  ["fanout", () => benchFanout()],
  ["signin", () => benchSignin()],
];

let failed = false;
for (const [name, run] of benches) {
  console.log(`▶ ${name}`);
  const result = await run();
  for (const line of result.lines) console.log(line);
  failed ||= !result.ok;
}
process.exitCode = failed ? 1 : 0;
