/**
 * `npm start` on a fresh data directory, as a newcomer runs it: the console's page answers within 3 s of
 * /healthz first saying ok, and only to this machine — other host names, other sites' posts and non-JSON
 * writes are refused. With LOCAL_CONSOLE=off the plain start page is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Spawned, spawnTs } from "../support/processes.ts";

/** A raw request, so the Host header can be anything. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(options.body);
  });
}

async function startFresh(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-start-"));
  // As `npm start` does: no HOST, no platform; only the port is left to the system.
  const server = spawnTs("src/entry/node.ts", [], { DATA_DIR: dir, PORT: "0", ...env });
  const [, base] = await server.waitFor(/支部助手已启动：(http:\/\/[^/]+)\/healthz/, 60_000);
  return { server, dir, base: base as string };
}

async function healthy(base: string): Promise<number> {
  for (;;) {
    const r = await send(`${base}/healthz`).catch(() => undefined);
    if (r?.status === 200 && JSON.parse(r.body).status === "ok") return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("npm start on a fresh data directory", () => {
  let s: { server: Spawned; dir: string; base: string };
  beforeAll(async () => {
    s = await startFresh();
  }, 90_000);
  afterAll(async () => {
    s?.server.child.kill("SIGTERM");
    await s?.server.exited;
    rmSync(s.dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 and says where the console is", async () => {
    expect(s.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const [, url] = await s.server.waitFor(/本地体验控制台：在浏览器中打开 (\S+?)"/);
    expect(url).toBe(`${s.base}/`);
  });

  it("serves the console's page, and its first data, within 3 s of healthy", async () => {
    const ok = await healthy(s.base);
    const page = await send(`${s.base}/`);
    const state = await send(`${s.base}/local/api/state`);
    expect(Date.now() - ok).toBeLessThan(3000);
    expect(page.status).toBe(200);
    expect(page.body).toContain("本地体验");
    expect(page.body).toContain("载入示例名册");
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).toMatchObject({ empty: true, botName: "支部助手", offsetMs: 0 });
  });

  it("answers only to this machine's names, and takes writes only as same-origin JSON", async () => {
    const port = new URL(s.base).port;
    expect((await send(`${s.base}/`, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    const rebound = await send(`${s.base}/local/api/state`, { headers: { host: `evil.example:${port}` } });
    expect(rebound.status).toBe(403);
    const load = (headers: Record<string, string>) =>
      send(`${s.base}/local/api/travel`, { method: "POST", headers, body: JSON.stringify({ minutes: 60 }) });
    expect((await load({ "content-type": "text/plain" })).status).toBe(415);
    expect((await load({ "content-type": "application/json", origin: "https://evil.example" })).status).toBe(
      403,
    );
    // Nothing moved: the clock is where it was.
    const state = JSON.parse((await send(`${s.base}/local/api/state`)).body);
    expect(state.offsetMs).toBe(0);
    const moved = await load({ "content-type": "application/json", origin: s.base });
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.body).offsetMs).toBe(3_600_000);
    const back = await send(`${s.base}/local/api/travel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ minutes: -60 }),
    });
    expect(back.status).toBe(400);
    expect(JSON.parse(back.body).error).toContain("时钟不能倒退");
  });
});

describe("npm start with LOCAL_CONSOLE=off", () => {
  it("serves no console: the plain start page, and no console API", async () => {
    const s = await startFresh({ LOCAL_CONSOLE: "off", HOST: "127.0.0.1" });
    try {
      await healthy(s.base);
      const page = await send(`${s.base}/`);
      expect(page.body).toContain("支部助手（zhibu）正在运行");
      expect((await send(`${s.base}/local/api/state`)).status).toBe(404);
      expect(s.server.output()).toContain("本地体验控制台：未启用");
    } finally {
      s.server.child.kill("SIGTERM");
      await s.server.exited;
      rmSync(s.dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe("npm start with LOCAL_CONSOLE=on on every address", () => {
  it("serves the console to other host names too, and warns that anyone reaching it can act as anyone", async () => {
    const s = await startFresh({ LOCAL_CONSOLE: "on", HOST: "0.0.0.0" });
    try {
      await healthy(s.base);
      const port = new URL(s.base).port;
      const page = await send(`${s.base}/`, { headers: { host: `zhibu.intranet:${port}` } });
      expect(page.status).toBe(200);
      expect(page.body).toContain("本地体验");
      await s.server.waitFor(/本地体验控制台对能访问 0\.0\.0\.0:\d+ 的所有人开放/);
    } finally {
      s.server.child.kill("SIGTERM");
      await s.server.exited;
      rmSync(s.dir, { recursive: true, force: true });
    }
  }, 90_000);
});
