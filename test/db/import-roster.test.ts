import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRoster, RosterImportError } from "../../src/app/import-roster.ts";
import * as schema from "../../src/db/schema.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { exampleRosterText } from "../support/roster.ts";

const now = new Date("2026-11-20T02:00:00Z");
const opts = { now, timezone: "Asia/Shanghai" };

const TABLES = [
  schema.organisations,
  schema.branches,
  schema.branchChats,
  schema.partyGroups,
  schema.members,
  schema.memberIdentities,
  schema.liaisonAssignments,
  schema.leadingBodyMembers,
  schema.auditLog,
];

/** Every row of every roster table, for "nothing changed" comparisons. */
async function snapshot(t: TestDatabase) {
  const out: unknown[] = [];
  for (const table of TABLES) out.push(await t.db.select().from(table).orderBy(sql`1`));
  return out;
}

async function expectImportRefused(t: TestDatabase, text: string, ...fragments: string[]) {
  const before = await snapshot(t);
  const error = await importRoster(t.db, text, opts).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RosterImportError);
  for (const f of fragments) expect((error as Error).message).toContain(f);
  expect(await snapshot(t)).toEqual(before);
}

describe.each(databaseTargets)("roster import on $name", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("loads the example organ: tree, groups, members, identities, chats, liaisons", async () => {
    const result = await importRoster(t.db, exampleRosterText(), opts);
    expect(result).toMatchObject({ branches: 8, members: 60, unchanged: false, deactivated: 0 });

    const branches = await t.db.select().from(schema.branches).orderBy(asc(schema.branches.code));
    expect(branches).toHaveLength(8);
    const bgs = branches.find((b) => b.code === "bgs");
    const zz1 = branches.find((b) => b.code === "zz1");
    expect(zz1).toMatchObject({ kind: "general_branch", parentId: null, committeeElectedOn: "2024-04-18" });
    expect(bgs).toMatchObject({ kind: "branch", parentId: zz1?.id, termYears: 3, name: "办公室党支部" });
    expect(branches.find((b) => b.code === "ltx")?.parentId).toBeNull();

    const members = await t.db.select().from(schema.members);
    expect(members).toHaveLength(60);
    expect(members.filter((m) => m.isLeader).length).toBeGreaterThanOrEqual(4);
    const secretary = members.find((m) => m.code === "1001");
    expect(secretary).toMatchObject({ role: "secretary", branchId: bgs?.id, active: true });
    expect(secretary?.partyGroupId).not.toBeNull();

    const ids = await t.db
      .select()
      .from(schema.memberIdentities)
      .where(eq(schema.memberIdentities.memberId, secretary?.id ?? ""));
    expect(ids.map((i) => `${i.platform}.${i.kind}`).sort()).toEqual([
      "dingtalk.staff_id",
      "feishu.open_id",
      "feishu.user_id",
    ]);

    const chats = await t.db.select().from(schema.branchChats);
    expect(chats).toHaveLength(12); // six branches × two platforms
    const liaisons = await t.db.select().from(schema.liaisonAssignments);
    expect(liaisons).toHaveLength(5);
    for (const l of liaisons) {
      const leader = members.find((m) => m.id === l.leaderId);
      expect(leader?.isLeader).toBe(true);
      expect(l.branchId).not.toBe(leader?.branchId);
    }
    const bodies = await t.db.select().from(schema.leadingBodyMembers);
    expect(bodies.filter((b) => b.body === "leading_group")).toHaveLength(4);
    expect(await t.db.$count(schema.auditLog)).toBeGreaterThan(100);
  });

  it("re-importing the same file changes nothing at all", async () => {
    const before = await snapshot(t);
    const result = await importRoster(t.db, exampleRosterText(), {
      ...opts,
      now: new Date("2026-11-21T02:00:00Z"),
    });
    expect(result).toMatchObject({ created: 0, updated: 0, deactivated: 0, unchanged: true });
    expect(await snapshot(t)).toEqual(before);
  });

  it("an edited file updates in place; members who left stay, inactive", async () => {
    const [before] = await t.db.select().from(schema.members).where(eq(schema.members.code, "1002"));
    const leaverHistory = before?.id;
    const edited = exampleRosterText()
      // 1003 moves to another group, 1010 leaves, a branch is renamed, one leader's liaison is dropped.
      .replace(/(id: "1003"[\s\S]*?group: )第一党小组/, "$1第二党小组")
      .replace(/ {2}- id: "1010"[\s\S]*?(?= {2}- id: "1011")/, "")
      .replace("name: 价格管理处党支部", "name: 价格和收费管理处党支部")
      .replace(/ {2}- leader: "1006"[^\n]*\n {4}branch: jjyx\n {4}from: 2026-01-01\n/, "");
    const result = await importRoster(t.db, edited, { ...opts, now: new Date("2026-11-22T02:00:00Z") });
    expect(result.members).toBe(59);
    expect(result.deactivated).toBe(2); // 1010 and the ended liaison

    const [leaver] = await t.db.select().from(schema.members).where(eq(schema.members.code, "1010"));
    expect(leaver).toMatchObject({ active: false });
    expect(leaver?.leftAt).toEqual(new Date("2026-11-22T02:00:00Z"));
    const [moved] = await t.db.select().from(schema.members).where(eq(schema.members.code, "1003"));
    const groups = await t.db
      .select()
      .from(schema.partyGroups)
      .where(eq(schema.partyGroups.id, moved?.partyGroupId ?? ""));
    expect(groups[0]?.name).toBe("第二党小组");
    const [renamed] = await t.db.select().from(schema.branches).where(eq(schema.branches.code, "jggl"));
    expect(renamed?.name).toBe("价格和收费管理处党支部");
    const ended = await t.db
      .select()
      .from(schema.liaisonAssignments)
      .where(sql`${schema.liaisonAssignments.validTo} is not null`);
    expect(ended.map((l) => l.validTo)).toEqual(["2026-11-22"]);
    const [still] = await t.db.select().from(schema.members).where(eq(schema.members.code, "1002"));
    expect(still?.id).toBe(leaverHistory);

    // The change is in the audit log, attributed to the import.
    const audits = await t.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.entityId, leaver?.id ?? ""));
    expect(audits.map((a) => a.action)).toContain("deactivate");

    // Putting the member back re-activates the same row.
    await importRoster(t.db, exampleRosterText(), { ...opts, now: new Date("2026-11-23T02:00:00Z") });
    const [back] = await t.db.select().from(schema.members).where(eq(schema.members.code, "1010"));
    expect(back).toMatchObject({ id: leaver?.id, active: true, leftAt: null });
  });

  it("refuses a member of an unknown branch, naming the line, and writes nothing", async () => {
    const text = exampleRosterText().replace(/(id: "1004"\n[^\n]*\n {4}branch: )bgs/, "$1nowhere");
    const line = text.split("\n").findIndex((l) => l.includes("branch: nowhere")) + 1;
    await expectImportRefused(t, text, `第 ${line} 行`, "未知支部 “nowhere”", "members[3]");
  });

  it("refuses a duplicate member id and writes nothing", async () => {
    const text = exampleRosterText().replace('id: "1005"', 'id: "1004"');
    await expectImportRefused(t, text, "党员编号 “1004” 与 members[3] 重复");
  });

  it("refuses a leader whose liaison branch is their own branch", async () => {
    const text = exampleRosterText().replace(/(leader: "1005"[^\n]*\n {4}branch: )jggl/, "$1bgs");
    await expectImportRefused(t, text, "liaisons[0]", "本人所在的支部");
  });

  it("refuses a bad date", async () => {
    const text = exampleRosterText().replace("elected_on: 2023-06-20", "elected_on: 2023-06-31");
    const line = text.split("\n").findIndex((l) => l.includes("2023-06-31")) + 1;
    await expectImportRefused(t, text, `第 ${line} 行 branches[2]（办公室党支部）`, "日期 “2023-06-31” 无效");
  });

  it("refuses broken YAML with its line, and a duplicate key", async () => {
    await expectImportRefused(t, `${exampleRosterText()}\nmembers: [oops`, "YAML 格式错误");
    await expectImportRefused(t, "organisation:\n  id: a\n  id: b\n", "第 3 行");
  });

  it("rolls back a half-applied import when the database refuses a row", async () => {
    // Valid on its own, but its member's open_id already belongs to the first organ: the unique index
    // fails after the organisation and branches were written, and all of it must roll back.
    const [taken] = await t.db
      .select()
      .from(schema.memberIdentities)
      .where(eq(schema.memberIdentities.kind, "open_id"))
      .limit(1);
    const other = [
      "organisation: { id: other, name: 另一机关党委 }",
      "branches:",
      "  - { id: b1, name: 某党支部 }",
      "members:",
      `  - { id: "9", name: 某某, branch: b1, feishu: { open_id: ${taken?.value} } }`,
    ].join("\n");
    const before = await snapshot(t);
    await expect(importRoster(t.db, other, opts)).rejects.toThrow();
    expect(await snapshot(t)).toEqual(before);
    expect(await t.db.$count(schema.organisations)).toBe(1);
  });
});
