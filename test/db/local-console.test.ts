/**
 * The local console's addresses in the database: every active member and branch gets one, once; a roster
 * import of the same file then still finds nothing changed, and keeps them.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRoster } from "../../src/app/import-roster.ts";
import {
  ensureLocalAddresses,
  hasAnyOrganisation,
  listConsoleRoster,
  localChatIdOf,
} from "../../src/db/queries/local-console.ts";
import * as schema from "../../src/db/schema.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { exampleRosterText } from "../support/roster.ts";

const opts = { now: new Date("2026-11-20T02:00:00Z"), timezone: "Asia/Shanghai" };

describe.each(databaseTargets)("local console addresses on $name", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create();
  });
  afterAll(async () => {
    await t?.close();
  });

  const locals = async () => ({
    ids: await t.db
      .select()
      .from(schema.memberIdentities)
      .where(eq(schema.memberIdentities.platform, "local")),
    chats: await t.db.select().from(schema.branchChats).where(eq(schema.branchChats.platform, "local")),
  });

  it("an empty database has no organisation and an empty roster", async () => {
    expect(await hasAnyOrganisation(t.db)).toBe(false);
    await ensureLocalAddresses(t.db);
    expect(await listConsoleRoster(t.db)).toEqual([]);
  });

  it("gives each active member their own id and each branch a chat, once", async () => {
    await importRoster(t.db, exampleRosterText(), opts);
    expect(await hasAnyOrganisation(t.db)).toBe(true);
    await ensureLocalAddresses(t.db);
    await ensureLocalAddresses(t.db);
    const { ids, chats } = await locals();
    expect(ids).toHaveLength(60);
    for (const i of ids) expect(i).toMatchObject({ kind: "local_id", value: i.memberId });
    expect(chats).toHaveLength(8);
    for (const c of chats) expect(c.chatId).toBe(localChatIdOf(c.branchId));
    const roster = await listConsoleRoster(t.db);
    const bgs = roster.find((b) => b.code === "bgs");
    expect(bgs?.chatId).toBe(localChatIdOf(bgs?.id as string));
    expect(bgs?.members[0]).toMatchObject({ code: "1001", name: "刘志强", role: "secretary" });
    expect(roster.flatMap((b) => b.members)).toHaveLength(60);
  });

  it("a roster import of the same file changes nothing and keeps the console's ids", async () => {
    const before = await locals();
    const again = await importRoster(t.db, exampleRosterText(), opts);
    expect(again.unchanged).toBe(true);
    const after = await locals();
    expect(after.ids).toHaveLength(before.ids.length);
    expect(after.chats).toHaveLength(before.chats.length);
  });
});
