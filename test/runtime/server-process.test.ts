import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, type Spawned, spawnTs, startServer } from "../support/processes.ts";

const running: Spawned[] = [];
const dirs: string[] = [];

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-data-"));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string>) {
  const server = startServer(env);
  running.push(server);
  const [, port] = await server.waitFor(/支部助手已启动：http:\/\/127\.0\.0\.1:(\d+)/, 60_000);
  return { server, base: `http://127.0.0.1:${port}` };
}

afterEach(() => {
  for (const s of running.splice(0)) s.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the server process (npm start)", () => {
  it("starts on the embedded database without credentials, guards its data dir, and stops cleanly on SIGTERM", async () => {
    const dataDir = freshDataDir();
    const { server, base } = await start({ DATA_DIR: dataDir });
    expect(server.output()).toContain("数据库：嵌入式 PGlite");
    expect(server.output()).toContain("飞书：未配置");

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: { kind: "pglite", ok: true } });

    // A second opener of the same data directory is refused, not let in to corrupt it.
    const second = await runCli(["import", "examples/org.yaml"], { DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toContain("正被另一个进程使用");
    expect(second.output).toContain(`进程号 ${server.child.pid}`);

    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("已停止");

    // Lock released: the CLI may open the directory now.
    const after = await runCli(["import", "examples/org.yaml"], { DATA_DIR: dataDir });
    expect(after.output).toContain("导入完成");
    expect(after.code).toBe(0);
  }, 120_000);

  it("reopens its data intact after SIGKILL, of the server and of an import mid-transaction", async () => {
    const dataDir = freshDataDir();
    expect((await runCli(["import", "examples/org.yaml"], { DATA_DIR: dataDir })).code).toBe(0);

    const first = await start({ DATA_DIR: dataDir });
    first.server.child.kill("SIGKILL");
    await first.server.exited;

    // The dead server's lock is taken over at once, and the data is as it was.
    const second = await start({ DATA_DIR: dataDir });
    expect((await fetch(`${second.base}/healthz`)).status).toBe(200);
    second.server.child.kill("SIGKILL");
    await second.server.exited;

    const same = await runCli(["import", "examples/org.yaml"], { DATA_DIR: dataDir });
    expect(same.output).toContain("名册与数据库一致");

    // An import killed part-way leaves either all of it or none of it.
    const edited = join(dataDir, "edited.yaml");
    writeFileSync(edited, readFileSync("examples/org.yaml", "utf8").replaceAll("第二党小组", "第三党小组"));
    const killed = spawnTs("src/cli/main.ts", ["import", edited], { DATA_DIR: dataDir });
    await new Promise((r) => setTimeout(r, 2500));
    killed.child.kill("SIGKILL");
    await killed.exited;
    const rerun = await runCli(["import", edited], { DATA_DIR: dataDir });
    expect(rerun.code).toBe(0);
    expect(rerun.output).toMatch(/导入完成|名册与数据库一致/);
    const again = await runCli(["import", edited], { DATA_DIR: dataDir });
    expect(again.output).toContain("名册与数据库一致");
  }, 180_000);

  it("refuses to start with a bad configuration, naming the variable", async () => {
    const server = startServer({ PORT: "eighty", DATA_DIR: freshDataDir() });
    running.push(server);
    const { code } = await server.exited;
    expect(code).toBe(2);
    expect(server.output()).toContain("PORT:");
  });
});
