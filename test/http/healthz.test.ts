import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createPostgresDatabase } from "../../src/db/client-postgres.ts";
import type { DatabaseHandle } from "../../src/db/types.ts";
import { createApp } from "../../src/http/app.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";

const appFor = (database: DatabaseHandle) =>
  createApp({ config: loadConfig({}), database, logger: silentLogger });

describe.each(databaseTargets)("/healthz on $name", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 200 with the database state", async () => {
    const res = await appFor(t).request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: { kind: target.name, ok: true } });
  });

  it("answers 503 when the database is down", async () => {
    // A real outage: PGlite closed under the app; Postgres with nothing listening.
    const down =
      target.name === "pglite"
        ? await target.create()
        : createPostgresDatabase("postgres://root@127.0.0.1:9/none", { max: 1 });
    if (target.name === "pglite") await down.close();
    const logged: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      ...silentLogger,
      warn: (message: string, fields?: Record<string, unknown>) => logged.push({ message, fields }),
    };
    const res = await createApp({ config: loadConfig({}), database: down, logger }).request("/healthz");
    expect(res.status).toBe(503);
    const body = await res.json();
    // ok/degraded and which part is down, but no driver message, host or port for anyone who asks.
    expect(body).toEqual({
      status: "degraded",
      database: { kind: target.name, ok: false },
      platforms: { feishu: false, dingtalk: false, local: false },
    });
    // The reason is in the log instead.
    expect(logged).toHaveLength(1);
    const reason = logged[0]?.fields?.error;
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).not.toBe("");
    expect(JSON.stringify(body)).not.toContain((reason as Error).message);
    if (target.name === "postgres") await down.close();
  });
});
