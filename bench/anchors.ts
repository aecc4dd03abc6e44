/**
 * The sign-in bench's anchors (/work/shared/bench-anchors, or BENCH_ANCHORS): two reference servers that
 * answer the same signed, encrypted card.action.trigger with one statement per click — the peer a user
 * would write (Express + the Feishu SDK's adapter + pg) and the floor (Hono + postgres.js). They run in
 * the same bench run as zhibu, under the same load, so zhibu's rate is reported as a ratio to each.
 *
 * Nothing is downloaded: the anchors' files are copied into a temporary directory whose `node_modules`
 * is a link to the project's, where their packages are (express and pg as devDependencies).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";

export const ANCHORS_DIR = process.env.BENCH_ANCHORS ?? "/work/shared/bench-anchors";

export interface AnchorServer {
  name: "peer" | "floor";
  port: number;
  pid: number | undefined;
  /** The anchor's own database (its two tables, from the anchors' schema.sql). */
  database: string;
  /** Attendance rows stored for these meeting ids. */
  stored(meetingIds: number[]): Promise<number>;
  stop(): Promise<void>;
}

const FILES = { peer: "peer-express.mjs", floor: "floor-hono.mjs" } as const;

/** Whether the anchors are there to run (the folder is mounted on the development machines). */
export function anchorsAvailable(): boolean {
  return Object.values(FILES).every((f) => existsSync(join(ANCHORS_DIR, f)));
}

async function waitForHttp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`anchor on port ${port} exited with ${child.exitCode}`);
    if (i > 200) throw new Error(`anchor on port ${port} did not start`);
    try {
      // Any answer (the peer has no GET route: 404) means it listens.
      await fetch(`http://127.0.0.1:${port}/hello`);
      return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts both anchors, each on its own fresh database on the Postgres server at `baseUrl`. */
export async function startAnchors(
  baseUrl: string,
  encryptKey: string,
): Promise<{ servers: AnchorServer[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-anchors-"));
  for (const f of [...Object.values(FILES), "schema.sql"]) copyFileSync(join(ANCHORS_DIR, f), join(dir, f));
  // Their bare imports (express, pg, hono, postgres, the SDK) resolve to the project's packages.
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
  const schema = readFileSync(join(dir, "schema.sql"), "utf8");
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const servers: AnchorServer[] = [];
  const close = async () => {
    for (const s of servers) await s.stop().catch(() => {});
    await admin.end({ timeout: 5 });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of ["peer", "floor"] as const) {
      const database = `zhibu_bench_${name}_${process.pid}_${randomBytes(3).toString("hex")}`;
      await admin.unsafe(`create database ${database}`);
      const url = new URL(baseUrl);
      url.pathname = `/${database}`;
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await sql.unsafe(schema);
      const port = 20000 + Math.floor(Math.random() * 20000);
      const child = spawn(process.execPath, [FILES[name]], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          DATABASE_URL: url.toString(),
          FEISHU_ENCRYPT_KEY: encryptKey,
          PORT: String(port),
        },
        stdio: ["ignore", "ignore", "inherit"],
      });
      servers.push({
        name,
        port,
        pid: child.pid,
        database,
        async stored(meetingIds) {
          const [row] = await sql<{ n: number }[]>`
            select count(*)::int as n from peer_attendance where meeting_id = any(${meetingIds}::int[])`;
          return row?.n ?? 0;
        },
        async stop() {
          child.kill("SIGTERM");
          await new Promise((r) => setTimeout(r, 200));
          await sql.end({ timeout: 5 });
          await admin.unsafe(`drop database if exists ${database} with (force)`);
        },
      });
      await waitForHttp(port, child);
    }
    return { servers, close };
  } catch (error) {
    await close();
    throw error;
  }
}
