/**
 * Start-up as `npm start` runs it: the bundle is built once (as `prestart` does), then the server is
 * started as `node dist/node.mjs` five times per case and the median is held against the targets.
 * Each start is timed from spawn to the first 200 on /healthz; its idle footprint is the node
 * process's resident memory (VmRSS) after 2 s without requests. The server runs as in production:
 * Feishu configured (pointed at a closed local port; nothing is sent at start), scheduler on.
 *
 * On a busy machine the wall-clock figure grows with the load; the CPU the server used until healthy
 * is printed beside it, as the figure the load does not change much.
 *
 * Cases: an embedded data dir that already exists, a fresh embedded data dir (copied by the start from
 * the template data dir the build made, see src/db/data-template.ts), and Postgres (a fresh database
 * on TEST_DATABASE_URL's server, migrated by the first start, which is reported on its own line;
 * skipped without TEST_DATABASE_URL).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { BenchResult } from "./fanout.ts";

const root = new URL("../", import.meta.url).pathname;
const STARTS = 5;
const IDLE_MS = 2_000;
const GIVE_UP_MS = 60_000;

interface Start {
  healthyMs: number;
  /** CPU the server (and any child it waited for) had used when healthy: what a busy machine cannot inflate. */
  cpuMs: number;
  rssMb: number;
}

interface Case {
  label: string;
  healthyTargetMs: number;
  rssTargetMb: number;
  starts: Start[];
  note?: string;
}

/** The variables a production server would have; nothing of the bench's own environment leaks in. */
function serverEnv(port: number, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    FEISHU_APP_ID: "cli_bench",
    FEISHU_APP_SECRET: "bench_secret",
    FEISHU_ENCRYPT_KEY: "bench_encrypt_key_0123456789",
    FEISHU_DOMAIN: "http://127.0.0.1:9",
    ...extra,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** utime + stime + cutime + cstime from /proc/<pid>/stat, in ms (clock ticks are 1/100 s on Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** One start: spawn → first healthy answer, then the resident memory after an idle pause. */
async function startOnce(extra: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/node.mjs"], {
    cwd: root,
    env: serverEnv(port, extra),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
      if (performance.now() - started > GIVE_UP_MS) throw new Error(`not healthy in 60 s:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) })
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const healthyMs = performance.now() - started;
    const cpu = cpuMs(child.pid as number);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { healthyMs, cpuMs: cpu, rssMb: rssMb(child.pid as number) };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function embeddedCases(): Promise<Case[]> {
  const existingDir = mkdtempSync(join(tmpdir(), "zhibu-bench-start-"));
  const fresh: Start[] = [];
  const existing: Start[] = [];
  try {
    // The first start creates the existing case's data dir; it counts as a fresh start.
    fresh.push(await startOnce({ DATA_DIR: existingDir }));
    for (let i = 1; i < STARTS; i++) {
      const dir = mkdtempSync(join(tmpdir(), "zhibu-bench-start-"));
      try {
        fresh.push(await startOnce({ DATA_DIR: dir }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    for (let i = 0; i < STARTS; i++) existing.push(await startOnce({ DATA_DIR: existingDir }));
  } finally {
    rmSync(existingDir, { recursive: true, force: true });
  }
  return [
    { label: "PGlite, existing data dir", healthyTargetMs: 3_000, rssTargetMb: 250, starts: existing },
    { label: "PGlite, fresh data dir", healthyTargetMs: 5_000, rssTargetMb: 250, starts: fresh },
  ];
}

async function postgresCase(baseUrl: string): Promise<Case> {
  const name = `zhibu_bench_start_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  try {
    const first = await startOnce({ DATABASE_URL: url.toString() });
    const starts: Start[] = [];
    for (let i = 0; i < STARTS; i++) starts.push(await startOnce({ DATABASE_URL: url.toString() }));
    return {
      label: "Postgres",
      healthyTargetMs: 1_500,
      rssTargetMb: 120,
      starts,
      note: `first start on the fresh database (runs the migrations): ${(first.healthyMs / 1000).toFixed(2)} s, ${first.rssMb.toFixed(0)} MB`,
    };
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

export async function benchStartup(): Promise<BenchResult> {
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}`);
  const cases = await embeddedCases();
  const url = process.env.TEST_DATABASE_URL;
  if (url) cases.push(await postgresCase(url));

  const lines = [
    `median of ${STARTS} starts of node dist/node.mjs (Feishu configured, scheduler on); load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  ];
  let ok = true;
  for (const c of cases) {
    const healthy = median(c.starts.map((s) => s.healthyMs));
    const rss = median(c.starts.map((s) => s.rssMb));
    const cpu = median(c.starts.map((s) => s.cpuMs));
    const timeOk = healthy <= c.healthyTargetMs;
    const rssOk = rss <= c.rssTargetMb;
    ok &&= timeOk && rssOk;
    lines.push(
      `  ${c.label}:`,
      `    healthy after:  ${(healthy / 1000).toFixed(2)} s (target ≤ ${c.healthyTargetMs / 1000} s) ${timeOk ? "OK" : "MISSED"}  [${c.starts.map((s) => (s.healthyMs / 1000).toFixed(2)).join(" ")}]`,
      `    CPU to healthy: ${(cpu / 1000).toFixed(2)} s  [${c.starts.map((s) => (s.cpuMs / 1000).toFixed(2)).join(" ")}]`,
      `    idle RSS:       ${rss.toFixed(0)} MB (target ≤ ${c.rssTargetMb} MB) ${rssOk ? "OK" : "MISSED"}  [${c.starts.map((s) => s.rssMb.toFixed(0)).join(" ")}]`,
    );
    if (c.note) lines.push(`    ${c.note}`);
  }
  if (!url)
    lines.push("  Postgres: skipped (set TEST_DATABASE_URL, e.g. postgres://root@127.0.0.1:5432/test)");
  return { name: "startup", ok, lines };
}
