#!/usr/bin/env node
/**
 * `npm run dev:worker`: the Worker (src/entry/worker.ts, wrangler.toml) under workerd on this machine,
 * offline, against a Postgres given by DATABASE_URL. Migrations are applied first, as `npx zhibu
 * migrate` would (a Worker cannot: it has no migration files). zhibu's variables in this process's
 * environment (FEISHU_*, DINGTALK_*, …) are handed to the Worker as vars; `.dev.vars` works too.
 * Arguments after `--` go to `wrangler dev` (e.g. `npm run dev:worker -- --port 8788`).
 *
 * Nothing here needs the internet: wrangler's metrics, banner update check and error reports are
 * off, and miniflare does not fetch the `request.cf` data (CLOUDFLARE_CF_FETCH_ENABLED=false).
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What wrangler must not do on a machine without the internet (and what it must not send from one with it). */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/** The variables zhibu's config reads (README, Configuration), by name or prefix. */
const ZHIBU_VARIABLE =
  /^(DATABASE_URL|LOG_LEVEL|ADMIN_CONTACT|MAX_BODY_BYTES|SCHEDULER_ENABLED|(ZHIBU|FEISHU|DINGTALK|OUTBOX|REMINDER|SIGN_IN|MEETING|WORKDAY|STUDY|LIAISON|STATUS)_[A-Z0-9_]+)$/;

const env = { ...process.env, ...OFFLINE_ENV };
if (!env.DATABASE_URL) {
  console.error(
    "DATABASE_URL: 请设置本机 Postgres 的连接串，例如 DATABASE_URL=postgres://root@127.0.0.1:5432/zhibu npm run dev:worker（Workers 无法使用嵌入式数据库）",
  );
  process.exit(2);
}

// With the Hyperdrive binding of wrangler.toml enabled, `wrangler dev` connects it to this database. It
// insists on a password in the URL; a local server that asks for none ignores the one added here.
try {
  const hyperdriveUrl = new URL(env.DATABASE_URL);
  if (!hyperdriveUrl.password) hyperdriveUrl.password = "local";
  env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE ??= hyperdriveUrl.toString();
} catch {
  // Not a URL: the migration below says what is wrong with DATABASE_URL.
}

const migrated = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "migrate"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

const vars = Object.entries(env)
  .filter(([name, value]) => ZHIBU_VARIABLE.test(name) && value !== undefined && value !== "")
  .flatMap(([name, value]) => ["--var", `${name}:${value}`]);
const args = [
  join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
  "dev",
  "--local",
  "--ip",
  env.HOST || "127.0.0.1",
  "--port",
  env.PORT || "8787",
  "--show-interactive-dev-session=false",
  ...vars,
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
// Ctrl-C or a SIGTERM to this process alone stops wrangler (and with it workerd) too.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
