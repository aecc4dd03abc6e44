/**
 * The roster's `cadence:` on 支部情况 and 机关情况: the organisation's rules replace the default, a
 * 党总支's apply to the branches under it, a branch's own win; stored with the organisation and its
 * branches by `npx zhibu import`, and the cards count against them.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRoster } from "../../src/app/import-roster.ts";
import * as schema from "../../src/db/schema.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";
import { exampleRosterText } from "../support/roster.ts";

const MEMBER = "1009"; // 办公室党支部 (under 机关第一党总支)
const ADMIN = "1007";
const local = (text: string) => new Date(`${text}:00+08:00`);

/** examples/org.yaml with `cadence:` for the organisation, 机关第一党总支 and 综合规划处党支部. */
function rosterWithCadence(): string {
  const text = exampleRosterText()
    .replace(
      "  timezone: Asia/Shanghai\n",
      "  timezone: Asia/Shanghai\n  cadence:\n    党课: 每半年\n    theme_day: off\n",
    )
    .replace(
      "    kind: 党总支\n    elected_on: 2024-04-18\n",
      "    kind: 党总支\n    elected_on: 2024-04-18\n    cadence: { party_group: quarter }\n",
    )
    .replace(
      "  - id: zhgh\n    name: 综合规划处党支部\n",
      "  - id: zhgh\n    name: 综合规划处党支部\n    cadence: { 党小组会: 每月, committee: { per: quarter, times: 2 } }\n",
    );
  if (!text.includes("每半年") || !text.includes("party_group: quarter") || !text.includes("times: 2"))
    throw new Error("examples/org.yaml changed: the cadence lines were not inserted");
  return text;
}

describe.each(databaseTargets)("cadence from the roster on $name", (target) => {
  let m: MemoryBot;
  beforeAll(async () => {
    m = await startMemoryBot(target);
    // As if the branches and 党小组 had been in the roster since January: a year of periods is due.
    await m.db.db.update(schema.branches).set({ createdAt: local("2026-01-01 00:00") });
    await m.db.db.update(schema.partyGroups).set({ createdAt: local("2026-01-01 00:00") });
  });
  afterAll(async () => {
    await m?.close();
  });
  const ask = async (code: string, where: string, text: string) => {
    await m.say(code, where, text);
    const inbox = where === "p2p" ? await m.inbox({ member: code }) : await m.inbox({ chat: where });
    return textOf(inbox.at(-1));
  };

  it("the default applies until the roster says otherwise", async () => {
    m.clock.now = local("2026-12-15 10:00");
    const card = await ask(MEMBER, "bgs", "支部情况");
    expect(card).toContain("⚠️ 主题党日 0/1——本月尚未开展主题党日");
    expect(card).toContain("✗ 党课 0/4——第一季度、第二季度、第三季度未开展党课");
    expect(card).not.toContain("频次按名册规定");
    // Due so far (periods ended by 12-15): 11 支委会 + 2×11 党小组会 + 11 主题党日 + 3 党员大会 + 3 党课.
    expect(await ask(ADMIN, "p2p", "机关情况")).toContain("**办公室党支部** 30.0 分｜三会一课 0/50");
  });

  it("import stores the organisation's, the 党总支's and the branch's rules; a re-import changes nothing", async () => {
    const first = await importRoster(m.db.db, rosterWithCadence(), {
      now: local("2026-12-15 11:00"),
      timezone: "Asia/Shanghai",
    });
    expect(first.unchanged).toBe(false);
    const [org] = await m.db.db.select().from(schema.organisations);
    expect(org?.cadence).toEqual({ party_lecture: { per: "half_year", times: 1 }, theme_day: null });
    const [zz1] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "zz1"));
    expect(zz1?.cadence).toEqual({ party_group: { per: "quarter", times: 1 } });
    const [bgs] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "bgs"));
    expect(bgs?.cadence).toBeNull();
    const again = await importRoster(m.db.db, rosterWithCadence(), {
      now: local("2026-12-15 11:05"),
      timezone: "Asia/Shanghai",
    });
    expect(again.unchanged).toBe(true);
  });

  it("支部情况 and 机关情况 count against the organisation's rules", async () => {
    m.clock.now = local("2026-12-15 12:00");
    // 办公室党支部: the organisation's rules and its 党总支's (党小组会 quarterly).
    const bgs = await ask(MEMBER, "bgs", "支部情况");
    expect(bgs.split("[查看明细]")[0]).not.toContain("主题党日");
    expect(bgs).toContain("✗ 党课 0/2——上半年未开展党课；下半年尚未开展党课");
    expect(bgs).toContain("⚠️ 第一党小组 党小组会 0/1——第一党小组本季度尚未召开党小组会");
    expect(bgs).toContain("✗ 第二党小组 党小组会 0/4——第二党小组第一季度、第二季度、第三季度未召开党小组会");
    expect(bgs).toContain(
      "频次按名册规定：党小组会 每季度至少 1 次、党课 每半年至少 1 次、主题党日 不作要求；",
    );
    expect(bgs.split("**【本季度")[0]).not.toContain("党小组会");
    // 综合规划处党支部, also under 机关第一党总支: its own rules win (党小组会 monthly, 支委会 twice a quarter).
    const zhgh = await ask(ADMIN, "p2p", "支部情况 综合规划处");
    expect(zhgh).toContain("⚠️ 第一党小组 党小组会 0/1——第一党小组本月尚未召开党小组会");
    expect(zhgh).toContain("✗ 支部委员会 0/8——第一季度、第二季度、第三季度未召开支部委员会");
    expect(zhgh).toContain(
      "频次按名册规定：支部委员会 每季度至少 2 次、党课 每半年至少 1 次、主题党日 不作要求；",
    );
    // The overview counts each branch against its own rules: 11 + 2×3 + 3 + 1 = 21 for 办公室,
    // 6 + 22 + 3 + 1 = 32 for 综合规划处, 11 + 22 + 3 + 1 = 37 under 机关第二党总支.
    const overview = await ask(ADMIN, "p2p", "机关情况");
    expect(overview).toContain("**办公室党支部** 30.0 分｜三会一课 0/21");
    expect(overview).toContain("**综合规划处党支部** 30.0 分｜三会一课 0/32");
    expect(overview).toContain("**价格管理处党支部** 30.0 分｜三会一课 0/37");
  });

  it("a roster with a bad rule is refused, naming the line and the entry; nothing is written", async () => {
    const bad = rosterWithCadence().replace(
      "cadence: { party_group: quarter }",
      "cadence: { party_group: weekly }",
    );
    const error = await importRoster(m.db.db, bad, {
      now: local("2026-12-15 13:00"),
      timezone: "Asia/Shanghai",
    }).catch((e: Error) => e);
    expect(String(error)).toContain(
      "branches[0]（机关第一党总支）：party_group 的周期 “weekly” 无效，应为 month（每月）、quarter（每季度）、half_year（每半年）、year（每年），或写作“每年 2 次”",
    );
    // The line of the bad rule in the file as given.
    const entryLine = bad.split("\n").findIndex((l) => l.includes("party_group: weekly")) + 1;
    expect(entryLine).toBeGreaterThan(0);
    expect(String(error)).toContain(`第 ${entryLine} 行 branches[0]`);
    const [zz1] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "zz1"));
    expect(zz1?.cadence).toEqual({ party_group: { per: "quarter", times: 1 } });
  });
});
