/**
 * `npm run bench`: runs every bench and prints its figures; exits non-zero if one misses its target.
 * `npm run bench -- startup` runs only the named ones.
 */
import { type BenchResult, benchFanout } from "./fanout.ts";
import { benchSignin } from "./signin.ts";
import { benchSigninDingTalk } from "./signin-dingtalk.ts";
import { benchStartup } from "./startup.ts";
import { benchStatus } from "./status.ts";

const benches: [string, () => Promise<BenchResult>][] = [
  ["startup", () => benchStartup()],
  ["fanout", () => benchFanout()],
  ["signin", () => benchSignin()],
  ["signin-dingtalk", () => benchSigninDingTalk()],
  ["status", () => benchStatus()],
];

// `npm run bench -- status` runs only the benches named.
const only = process.argv.slice(2);
const unknown = only.filter((name) => !benches.some(([n]) => n === name));
if (unknown.length > 0) throw new Error(`unknown bench: ${unknown.join(", ")}`);

let failed = false;
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`▶ ${name}`);
  const result = await run();
  for (const line of result.lines) console.log(line);
  failed ||= !result.ok;
}
process.exitCode = failed ? 1 : 0;
