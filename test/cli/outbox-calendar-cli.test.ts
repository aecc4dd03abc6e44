import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCalendar } from "../../src/cli/calendar.ts";
import { runOutbox } from "../../src/cli/outbox.ts";
import { claimDue, enqueue, getRow, markFailed } from "../../src/db/queries/outbox.ts";
import { createFreshPglite, type TestDatabase } from "../support/databases.ts";
import { fanout } from "../support/outbox.ts";
import { runCli } from "../support/processes.ts";

describe("admin CLI: outbox and calendar", () => {
  let handle: TestDatabase;
  const out: string[] = [];
  const err: string[] = [];
  const now = new Date("2026-11-23T02:00:00Z");
  const io = () => ({
    db: handle.db,
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
    now,
    timeZone: "Asia/Shanghai",
  });
  beforeAll(async () => {
    handle = await createFreshPglite();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("lists parked rows with id, kind, target, attempts and last error, and requeues them", async () => {
    await enqueue(handle.db, fanout(3, 3, now), now);
    const claimed = await claimDue(handle.db, {
      now,
      limit: 3,
      leaseMs: 60_000,
      token: "t",
      platforms: ["feishu"],
    });
    const [a, b] = claimed;
    await markFailed(handle.db, { id: a!.id, claimToken: "t" }, "第 1 次发送失败：bot not in chat", now);
    await markFailed(handle.db, { id: b!.id, claimToken: "t" }, "第 8 次发送失败：HTTP 502", now);

    out.length = 0;
    expect(await runOutbox(["--failed"], io())).toBe(0);
    expect(out[0]).toBe("编号\t类型\t对象\t次数\t最后错误");
    expect(out).toContain(
      `${a!.id}\ttest.fanout\tfeishu:chat:${a!.target.id}\t1\t第 1 次发送失败：bot not in chat`,
    );
    expect(out.at(-1)).toContain("共 2 条");

    out.length = 0;
    expect(await runOutbox(["requeue", String(a!.id)], io())).toBe(0);
    expect(await getRow(handle.db, a!.id)).toMatchObject({ state: "pending", attempts: 0 });
    expect(await runOutbox(["requeue", String(a!.id)], io())).toBe(1);
    expect(await runOutbox(["requeue", "--all-failed"], io())).toBe(0);
    expect(out.at(-1)).toBe(`已重新排队 1 条消息（编号 ${b!.id}），下一次定时任务会发送。`);
    expect(await runOutbox(["requeue"], io())).toBe(2);
  });

  it("adds, lists, shows and removes local days off", async () => {
    out.length = 0;
    expect(await runCalendar(["off", "2026-12-31", "市里统一", "放假"], io())).toBe(0);
    expect(await runCalendar(["list"], io())).toBe(0);
    expect(out.at(-1)).toBe("2026-12-31\t市里统一 放假");
    out.length = 0;
    expect(await runCalendar(["show", "2026-10-09", "3"], io())).toBe(0);
    expect(out).toEqual([
      "2026-10-09\t上班\t工作日",
      "2026-10-10\t上班\t调休上班（国庆节）",
      "2026-10-11\t休息\t周末",
    ]);
    expect(await runCalendar(["on", "2026-12-31"], io())).toBe(0);
    expect(await runCalendar(["on", "2026-12-31"], io())).toBe(1);
    expect(await runCalendar(["off", "31/12/2026", "x"], io())).toBe(2);
  });

  it("runs as `npx zhibu outbox --failed` and `npx zhibu calendar off`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zhibu-cli-"));
    try {
      const failed = await runCli(["outbox", "--failed"], { DATA_DIR: dir });
      expect(failed.code).toBe(0);
      expect(failed.output).toContain("没有发送失败的消息。");
      const off = await runCli(["calendar", "off", "2026-12-31", "市里统一放假"], { DATA_DIR: dir });
      expect(off.code).toBe(0);
      expect(off.output).toContain("已将 2026-12-31 设为本地放假日");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
