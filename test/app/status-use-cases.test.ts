/**
 * 支部情况 end to end on the in-memory platform: a year of 办公室党支部's meetings (written by the meetings
 * feature's own queries, so the tallies come from the triggers) and 第一议题 studies, then what people
 * ask in chat, the overview's order, the 查看明细 button, and the monthly digest on the first working
 * day after 元旦 — once.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import {
  expectedAttendeeIds,
  insertMeeting,
  markMissingAbsent,
  transitionMeeting,
  writeAttendances,
} from "../../src/db/queries/meetings.ts";
import { insertFirstAgendaRecords, insertStudyItem } from "../../src/db/queries/study.ts";
import * as schema from "../../src/db/schema.ts";
import type { MeetingKind } from "../../src/domain/labels.ts";
import { zonedInstant } from "../../src/domain/time.ts";
import type { CardChart, CardView } from "../../src/platforms/types.ts";
import { databaseTargets } from "../support/databases.ts";
import { cardText, type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const TZ = "Asia/Shanghai";
const at = (day: string, hhmm = "15:00") => zonedInstant(day, hhmm, TZ);

describe.each(databaseTargets)("支部情况 on $name", (target) => {
  let m: MemoryBot;
  const ids = new Map<string, string>();
  const id = (code: string) => ids.get(code) as string;

  async function hold(kind: MeetingKind, day: string, present: string[], group?: string) {
    const db = m.db.db;
    const [org] = await db.select().from(schema.organisations);
    const [branch] = await db.select().from(schema.branches).where(eq(schema.branches.code, "bgs"));
    if (!org || !branch) throw new Error("no example organ");
    const groupId = group
      ? ((await db.select().from(schema.partyGroups).where(eq(schema.partyGroups.name, group))).find(
          (g) => g.branchId === branch.id,
        )?.id ?? null)
      : null;
    const invitees = await expectedAttendeeIds(db, {
      orgId: org.id,
      branchId: branch.id,
      kind,
      partyGroupId: groupId,
    });
    const start = at(day);
    const meeting = await insertMeeting(
      db,
      {
        orgId: org.id,
        branchId: branch.id,
        partyGroupId: groupId,
        kind,
        title: kind,
        startsAt: start,
        endsAt: new Date(start.getTime() + 90 * 60_000),
        place: null,
        createdBy: null,
      },
      invitees,
      new Date(start.getTime() - 86_400_000),
    );
    await writeAttendances(
      db,
      present.map((code) => ({
        meetingId: meeting.id,
        memberId: id(code),
        status: "present" as const,
        late: false,
        reason: null,
        source: "card" as const,
        recordedBy: id(code),
        at: start,
      })),
    );
    const end = new Date(start.getTime() + 90 * 60_000);
    await markMissingAbsent(db, meeting.id, end);
    await transitionMeeting(db, meeting.id, ["scheduled", "open"], "closed", { actorId: null, now: end });
    return meeting;
  }

  const months = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `2026-${String(from + i).padStart(2, "0")}`);
  const ALL = ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1010"];
  const EIGHT = ALL.slice(0, 8);
  const G1 = ["1001", "1003", "1005", "1007"]; // of 1001 1003 1005 1007 1009
  const G2 = ["1002", "1004", "1006", "1008"]; // of 1002 1004 1006 1008 1010

  // One organ and one year for the whole file; the clock only moves forward, the digest last.
  beforeAll(async () => {
    m = await startMemoryBot(target, { env: { STATUS_DIGEST: "true", STATUS_TERM_REMINDERS: "true" } });
    const db = m.db.db;
    // The organ has used the bot since mid-2025: nothing of 2026 is prorated.
    const created = new Date("2025-06-01T00:00:00Z");
    await db.update(schema.branches).set({ createdAt: created });
    await db.update(schema.partyGroups).set({ createdAt: created });
    for (const row of await db.select().from(schema.members)) ids.set(row.code, row.id);

    // A year of 办公室党支部 (10 members; committee 1001–1004; 第一/第二党小组 of five each).
    for (const month of months(1, 11))
      await hold("committee", `${month}-05`, ["1001", "1002", "1003", "1004"]);
    for (const month of months(1, 12)) await hold("theme_day", `${month}-03`, EIGHT);
    for (const month of months(1, 12)) await hold("party_group", `${month}-10`, G1, "第一党小组");
    for (const month of months(1, 12).filter((x) => x !== "2026-05"))
      await hold("party_group", `${month}-10`, G2, "第二党小组");
    await hold("general_assembly", "2026-02-20", ALL.slice(0, 5)); // exactly half: below quorum
    await hold("general_assembly", "2026-05-20", ALL.slice(0, 9));
    await hold("general_assembly", "2026-11-20", ALL.slice(0, 9));
    for (const day of ["2026-03-25", "2026-06-25", "2026-09-25", "2026-10-25"])
      await hold("party_lecture", day, ALL);
    await hold("org_life", "2026-02-26", ALL);
    const [org] = await db.select().from(schema.organisations);
    if (!org) throw new Error("no organ");

    // 第一议题: one item studied 8 days after publication, one pending since 1 November (overdue).
    const studied = await insertStudyItem(db, {
      orgId: org.id,
      title: "学习材料一",
      source: "新华社",
      publishedOn: "2026-03-02",
      link: null,
      summary: null,
      scope: "all",
      addedBy: null,
      at: at("2026-03-02", "10:00"),
    });
    await insertStudyItem(db, {
      orgId: org.id,
      title: "学习材料二",
      source: "《求是》",
      publishedOn: "2026-11-01",
      link: null,
      summary: null,
      scope: "all",
      addedBy: null,
      at: at("2026-11-01", "10:00"),
    });
    const march = await db.select().from(schema.meetings).where(eq(schema.meetings.kind, "theme_day"));
    const studyMeeting = march.find((x) => x.startsAt.getTime() === at("2026-03-03").getTime());
    if (!studied || !studyMeeting) throw new Error("seed failed");
    await insertFirstAgendaRecords(db, [{ meetingId: studyMeeting.id, studyItemId: studied.id }]);
    m.clock.now = at("2026-12-15", "10:00");
  }, 120_000);

  afterAll(async () => {
    await m.close();
  });

  const lastCard = async (who: { chat: string } | { member: string }): Promise<CardView> => {
    const all = await m.inbox(who);
    const last = all.at(-1);
    if (last?.message.kind !== "card") throw new Error(`expected a card, got: ${textOf(last)}`);
    return last.message.card;
  };

  it("answers 支部情况 in the branch chat with every figure of the year", async () => {
    await m.say("1009", "bgs", "支部情况");
    const card = await lastCard({ chat: "bgs" });
    const text = cardText(card);
    expect(card.header.title).toBe("支部情况：办公室党支部");
    expect(card.header.subtitle).toBe("截至 2026年12月15日");
    // 本月（12月）
    expect(text).toContain("【本月（12月）】");
    expect(text).toContain("⚠️ 支部委员会 0/1——本月尚未召开支部委员会");
    expect(text).toContain("✔ 第一党小组 党小组会 1/1");
    expect(text).toContain("✔ 第二党小组 党小组会 1/1");
    expect(text).toContain("✔ 主题党日 1/1");
    expect(text).toContain("出勤率：80.0%（3 次会议，实到 16 / 应到 20 人次）");
    // 本季度（第四季度）
    expect(text).toContain("【本季度（第四季度）】");
    expect(text).toContain("⚠️ 支部委员会 2/3\n");
    expect(text).toContain("✔ 支部党员大会 1/1");
    expect(text).toContain("✔ 党课 1/1");
    expect(text).toContain("✔ 第二党小组 党小组会 3/3");
    expect(text).toContain("出勤率：85.2%（13 次会议，实到 75 / 应到 88 人次）");
    // 本年（2026年）
    expect(text).toContain("【本年（2026年）】");
    expect(text).toContain("⚠️ 支部委员会 11/12");
    expect(text).toContain("✗ 支部党员大会 3/4（1 次出席未过半数）——第三季度未召开支部党员大会");
    expect(text).toContain("✗ 第二党小组 党小组会 11/12——第二党小组5月未召开党小组会");
    expect(text).toContain("✔ 第一党小组 党小组会 12/12");
    expect(text).toContain("✔ 党课 4/4");
    expect(text).toContain("✔ 组织生活会 1/1");
    expect(text).toContain("⚠️ 民主评议党员 0/1——本年尚未开展民主评议党员");
    expect(text).toContain("出勤率：85.0%（54 次会议，实到 305 / 应到 359 人次）");
    expect(text).toContain("2026-02-20 支部党员大会实到 5 人，未超过应到 10 人的半数");
    // Other features' figures and 换届.
    expect(text).toContain("第一议题：待学 1 项，其中逾期 1 项；本年从发表到学习中位 1 天");
    expect(text).toContain("联系点：本年暂无联系领导的工作情况；尚无到支部调研记录；无未解决问题");
    expect(text).toContain("换届：支部委员会任期已于 2026-06-20 届满，已超期 178 天");
    // 40×54/56−1 = 37.6; 20×85% = 17; 20−4 (overdue) − 0 (lag ≤ 7) = 16; 10; 10; −10 (term over).
    expect(text).toContain("**综合得分：80.6**");
    expect(text).toContain("三会一课 37.6 · 出勤 17 · 第一议题 16 · 联系点 10 · 问题整改 10 · 换届超期 -10");
    // The chart: twelve months, each month's rate, nothing for months without a meeting.
    const chart = card.blocks.find((b): b is CardChart => b.type === "chart");
    expect(chart?.title).toBe("近12个月出勤率（%）");
    const data = chart?.spec.data as { values: { month: string; rate: number }[] }[] | undefined;
    const values = data?.[0]?.values;
    expect(values).toHaveLength(12);
    expect(values?.[11]).toEqual({ month: "12月", rate: 80 });
    expect(chart?.fallback).toContain("12月 80.0%");
    expect(card.blocks.some((b) => b.type === "buttons" && b.buttons[0]?.label === "查看明细")).toBe(true);
  }, 60_000);

  it("finds branches by abbreviation for admins, asks when ambiguous, keeps others to their own", async () => {
    await m.say("1007", "p2p", "支部情况 综规");
    expect((await lastCard({ member: "1007" })).header.title).toBe("支部情况：综合规划处党支部");
    await m.say("1007", "p2p", "支部情况 处");
    expect(textOf((await m.inbox({ member: "1007" })).at(-1))).toMatch(/^你是不是要找：.*综合规划处党支部/);
    await m.say("1009", "p2p", "支部情况 综合规划处");
    expect(textOf((await m.inbox({ member: "1009" })).at(-1))).toContain("仅限本支部党员");
    await m.say("1009", "p2p", "支部情况");
    expect((await lastCard({ member: "1009" })).header.title).toBe("支部情况：办公室党支部");
    // A leader privately: the branch they are liaison for.
    await m.say("1015", "p2p", "支部情况");
    expect((await lastCard({ member: "1015" })).header.title).toBe("支部情况：固定资产投资处党支部");
    await m.say("1009", "p2p", "机关情况");
    expect(textOf((await m.inbox({ member: "1009" })).at(-1))).toContain("仅限机关党委工作人员和领导干部");
  }, 60_000);

  it("lists the organ worst first, filters by 党总支, and opens the ledger from 查看明细", async () => {
    await m.say("1007", "p2p", "机关情况");
    const card = await lastCard({ member: "1007" });
    const rows = cardText(card)
      .split("\n")
      .filter((l) => /^\d+\. /.test(l))
      .map((l) => l.replace(/^\d+\. \*\*(.+?)\*\* ([\d.]+) 分.*/, "$1 $2"));
    // No meetings: 0 + 0 + 12 (two overdue items) + liaison (0 with a leader, 10 without) + 10, −10 after the term.
    expect(rows).toEqual([
      "固定资产投资处党支部 12.0",
      "离退休干部党支部 12.0",
      "价格管理处党支部 22.0",
      "经济运行处党支部 22.0",
      "综合规划处党支部 22.0",
      "办公室党支部 80.6",
    ]);
    expect(card.blocks.find((b) => b.type === "chart")).toMatchObject({ height: "272px" });

    await m.say("1015", "p2p", "机关情况 第一党总支");
    const filtered = cardText(await lastCard({ member: "1015" }));
    expect(filtered).toContain("机关情况：机关第一党总支");
    expect(filtered).toContain("共 3 个党支部");
    expect(filtered).not.toContain("价格管理处党支部");

    await m.say("1001", "bgs", "支部情况");
    const [statusMessage] = (await m.inbox({ chat: "bgs" })).slice(-1);
    if (!statusMessage) throw new Error("no card");
    const refused = await m.click("1009", statusMessage, "status.ledger");
    expect(refused.toast?.text).toContain("仅限本支部书记");
    const opened = await m.click("1001", statusMessage, "status.ledger");
    expect(opened.card?.header.title).toBe("会议记录：办公室党支部");
    expect(cardText(opened.card as CardView)).toContain("主题党日");
    const back = await m.click("1001", statusMessage, "status.show");
    expect(back.card?.header.title).toBe("支部情况：办公室党支部");
  }, 60_000);

  it("reminds the 书记 and the 机关党委 of 换届 once per slot", async () => {
    const reminders = () =>
      m.platform.sent.filter(
        (x) => x.message.kind === "text" && x.message.text.startsWith("【换届提醒】经济运行处党支部"),
      );
    await m.tick(at("2026-12-15", "11:00"));
    // 经济运行处 elected 2023-12-26: the 30-day slot; 书记 蔡洁 and the two staff.
    expect(reminders()).toHaveLength(3);
    await m.tick(at("2026-12-16", "11:00"));
    expect(reminders()).toHaveLength(3);
    expect(
      reminders()
        .map((x) => x.target.id)
        .sort(),
    ).toEqual([await m.platformId("1021"), await m.platformId("1007"), await m.platformId("1008")].sort());
  }, 60_000);

  it("sends the monthly digest once, on the first working day after 元旦", async () => {
    const calendar = await loadWorkCalendar(m.db.db);
    const day = calendar.nextWorkingDay("2027-01-01");
    expect(day > "2027-01-01").toBe(true);
    const digests = () =>
      m.platform.sent.filter(
        (x) =>
          x.message.kind === "card" &&
          (x.message.card.blocks.at(-1) as { text?: string }).text?.startsWith("月度通报"),
      );
    await m.tick(at("2027-01-01", "09:30"));
    await m.tick(at(day, "08:59"));
    expect(digests()).toHaveLength(0);
    await m.tick(at(day, "09:00"));
    const sent = digests();
    // The 机关党委 has no chat of its own in the example: its two staff privately, plus six branch chats.
    expect(sent).toHaveLength(2 + 6);
    const overviews = sent.filter(
      (x) => x.message.kind === "card" && x.message.card.header.title === "机关情况：2026年12月通报",
    );
    expect(overviews.map((x) => x.target.id).sort()).toEqual(
      [await m.platformId("1007"), await m.platformId("1008")].sort(),
    );
    const toBgs = (await m.inbox({ chat: "bgs" })).at(-1);
    expect(toBgs && toBgs.message.kind === "card" && toBgs.message.card.header.title).toBe(
      "支部情况：办公室党支部",
    );
    const bgsText = textOf(toBgs);
    expect(bgsText).toContain("截至 2026年12月31日");
    // December is over now: its missing 支部委员会 is a ✗, not a ⚠️.
    expect(bgsText).toContain("✗ 支部委员会 0/1——12月未召开支部委员会");
    await m.tick(at(day, "15:00"));
    await m.tick(
      zonedInstant(
        calendar.nextWorkingDay(`${day.slice(0, 8)}${String(Number(day.slice(8)) + 1).padStart(2, "0")}`),
        "09:00",
        TZ,
      ),
    );
    expect(digests()).toHaveLength(8);
  }, 120_000);
});
