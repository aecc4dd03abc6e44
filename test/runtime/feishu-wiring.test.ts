import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { startNodeServer } from "../../src/runtime/node-server.ts";
import { loadFeishuFixture } from "../support/feishu-requests.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-feishu-wiring-"));
  dirs.push(dir);
  return startNodeServer(
    loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir, SCHEDULER_ENABLED: "false", ...env }),
    silentLogger,
  );
}

const challenge = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/feishu/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...loadFeishuFixture("url-verification"), token }),
  });

describe("Node server and the Feishu route", () => {
  it("mounts POST /feishu/events when FEISHU_APP_ID/SECRET are set", { timeout: 120_000 }, async () => {
    // Unsigned only by the explicit development switch: the plain URL check needs no encryption.
    const server = await start({
      FEISHU_APP_ID: "cli_wiring",
      FEISHU_APP_SECRET: "s",
      FEISHU_VERIFICATION_TOKEN: "vt",
      FEISHU_DOMAIN: "http://127.0.0.1:9",
      FEISHU_ALLOW_UNSIGNED: "true",
    });
    try {
      const ok = await challenge(server.port, "vt");
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ challenge: "ajls384kdjx98XX" });
      expect((await challenge(server.port, "other")).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("without credentials the server runs and the route is simply absent", { timeout: 120_000 }, async () => {
    const server = await start({});
    try {
      expect((await challenge(server.port, "vt")).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
