/**
 * postgres.js 3.4.9 (the latest release) crashes the whole process when a connection closes while a small
 * write is waiting in its setImmediate: `nextWrite` calls `socket.write` on a socket `closed()` has set to
 * null, from a timer no caller can catch (porsager/postgres#1066, #1154, #1208; the guard proposed in
 * #1168/#1176 is not released). A failover or a cut connection then kills zhibu instead of failing one
 * query. This applies that guard, and resets the write buffer and timer on close so the connection can be
 * reused, to each copy of the driver (ESM, CommonJS, Cloudflare). Idempotent; run by `npm install`.
 * Remove it once a release of postgres.js carries the fix (test/runtime/faults.test.ts proves the need).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
const MARK = "/* zhibu: guarded nextWrite */";
const copies = ["src", "cjs/src", "cf/src"].map((d) => join(root, d, "connection.js")).filter(existsSync);

let patched = 0;
for (const file of copies) {
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  const before = text;
  text = text.replace(
    "function nextWrite(fn) {\n",
    `function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      return false\n    }\n`,
  );
  text = text.replaceAll(
    "    clearImmediate(nextWriteTimer)\n",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n",
  );
  if (text === before || !text.includes(MARK)) {
    console.error(
      `patch-postgres: ${file} does not look like postgres.js 3.4.x; not patched (see scripts/patch-postgres.mjs)`,
    );
    process.exitCode = 1;
    continue;
  }
  writeFileSync(file, text);
  patched++;
}
if (patched > 0) console.log(`patch-postgres: guarded nextWrite in ${patched} copies of postgres.js`);
