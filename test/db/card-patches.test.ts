import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abandonedCardPatches, claimCardPatch, releaseCardPatch } from "../../src/db/queries/card-patches.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";

describe.each(databaseTargets)("card patch lock on $name", (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  const card = { subject: "meeting:1", platform: "feishu", leaseMs: 30_000, intervalMs: 250 };

  it("one holder at a time; a request while held makes the holder go again, then it releases", async () => {
    const a = await claimCardPatch(db.db, { ...card, holder: "a" });
    expect(a).toMatchObject({ mine: true, waitMs: 0 });
    const b = await claimCardPatch(db.db, { ...card, holder: "b" });
    expect(b.mine).toBe(false);
    const again = await releaseCardPatch(db.db, { ...card, holder: "a", wanted: a.wanted });
    expect(again).toEqual({ kind: "again", wanted: b.wanted });
    expect(await releaseCardPatch(db.db, { ...card, holder: "a", wanted: b.wanted })).toEqual({
      kind: "released",
    });
    // Free again, and the last patch was just now: the next holder waits out the interval.
    const c = await claimCardPatch(db.db, { ...card, holder: "c" });
    expect(c.mine).toBe(true);
    expect(c.waitMs).toBeGreaterThan(0);
    expect(c.waitMs).toBeLessThanOrEqual(250);
    expect(await releaseCardPatch(db.db, { ...card, holder: "c", wanted: c.wanted })).toEqual({
      kind: "released",
    });
  });

  it("a holder whose lease ran out is replaced, finds it lost, and its card is listed until then", async () => {
    const short = { ...card, subject: "meeting:2", leaseMs: 1 };
    const dead = await claimCardPatch(db.db, { ...short, holder: "dead" });
    expect(dead.mine).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await abandonedCardPatches(db.db)).toEqual([{ subject: "meeting:2", platform: "feishu" }]);
    const next = await claimCardPatch(db.db, { ...short, holder: "next", leaseMs: 30_000 });
    expect(next.mine).toBe(true);
    expect(await abandonedCardPatches(db.db)).toEqual([]);
    expect(await releaseCardPatch(db.db, { ...short, holder: "dead", wanted: dead.wanted })).toEqual({
      kind: "lost",
    });
  });
});
