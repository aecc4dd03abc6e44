/**
 * 外出 through the in-memory platform: recorded by oneself, by the branch 书记 or by the 机关党委, audited;
 * and every planner that nudges a person privately leaves him out while away and resumes after.
 */
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import type { MemoryMessage } from "../../src/platforms/memory/adapter.ts";
import { databaseTargets } from "../support/databases.ts";
import { createTestMeeting } from "../support/meetings.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const ADMIN = "1007"; // 丁明辉, 机关党委
const BGS_SECRETARY = "1001"; // 刘志强
const GDTZ_SECRETARY = "1031";
const JIANG = "1009"; // 姜春燕, 办公室党支部
const CAO = "1005"; // 曹芳 → 价格管理处 (jggl)
const LI = "1015"; // 李少华 → 固定资产投资处 (gdtz)
const KONG = "1025"; // 孔雨婷 → 离退休干部党支部 (ltx)
const LU = "1035"; // 卢佳怡 → 综合规划处 (zhgh)
const PENG = "1006"; // 彭峰 → 经济运行处 (jjyx)
const JGGL_SECRETARY = "1041";

const local = (text: string) => new Date(`${text}:00+08:00`);
const texts = async (m: MemoryBot, code: string) => (await m.inbox({ member: code })).map(textOf);
const lastText = async (m: MemoryBot, code: string) => (await texts(m, code)).at(-1) ?? "";
/** What `code` received since `mark` (a count of earlier messages). */
const since = async (m: MemoryBot, code: string, mark: number) => (await texts(m, code)).slice(mark);

describe.each(databaseTargets)("外出 on $name", (target) => {
  let m: MemoryBot;
  beforeAll(async () => {
    // 换届 reminders on: the example's 办公室党支部 term ended 2026-06-20, so its 书记 is reminded monthly.
    m = await startMemoryBot(target, { env: { STATUS_TERM_REMINDERS: "true" } });
  });
  afterAll(async () => {
    await m?.close();
  });
  const at = (text: string) => {
    m.clock.now = local(text);
  };

  it("a member records, lists and is refused an overlapping or impossible absence", async () => {
    at("2026-11-30 10:00");
    await m.say(CAO, "p2p", "外出 12月3日至12月10日 出差");
    expect(await lastText(m, CAO)).toBe(
      "已登记：您 12月3日至12月10日 出差。期间不再私信您催报和提醒，12月11日起恢复。",
    );
    await m.say(CAO, "p2p", "外出 12月9日至12日 休假");
    expect(await lastText(m, CAO)).toBe(
      "您已登记 12月3日至12月10日 出差，与 12月9日至12月12日 重叠。如需改动，请先发送“外出 取消 12月3日”再重新登记。",
    );
    await m.say(CAO, "p2p", "外出 2月30日");
    expect(await lastText(m, CAO)).toBe("日期“2月30日”不存在，请检查。");
    await m.say(CAO, "p2p", "外出 下周");
    expect(await lastText(m, CAO)).toBe(
      "名册中没有“下周”。登记本人外出请写明日期，如：外出 12月3日至12月10日 出差",
    );
    await m.say(CAO, "p2p", "外出");
    expect(await lastText(m, CAO)).toBe(
      "您登记的外出：\n· 12月3日至12月10日 出差\n期间不再私信催报和提醒。撤销请发送“外出 取消”。",
    );
    // 彭峰: two absences of his own, the second a single day.
    await m.say(PENG, "p2p", "外出 12-01至12-02 休假");
    await m.say(PENG, "p2p", "外出 12月29日 病假");
    expect(await lastText(m, PENG)).toBe(
      "已登记：您 12月29日 病假。期间不再私信您催报和提醒，12月30日起恢复。",
    );
    const rows = await m.db.db.select().from(schema.awayPeriods);
    expect(rows.map((r) => [r.startsOn, r.endsOn, r.reason]).sort()).toEqual([
      ["2026-12-01", "2026-12-02", "休假"],
      ["2026-12-03", "2026-12-10", "出差"],
      ["2026-12-29", "2026-12-29", "病假"],
    ]);
  });

  it("for someone else: the 机关党委 anyone, a 书记 his own branch's members; the member is told", async () => {
    at("2026-11-30 11:00");
    await m.say(JIANG, "p2p", "外出 曹芳 12月20日");
    expect(await lastText(m, JIANG)).toBe("只有机关党委工作人员和曹芳所在支部的书记可以为其登记或撤销外出。");
    await m.say(GDTZ_SECRETARY, "p2p", "外出 姜春燕 12月1日至12月2日 病假");
    expect(await lastText(m, GDTZ_SECRETARY)).toBe(
      "只有机关党委工作人员和姜春燕所在支部的书记可以为其登记或撤销外出。",
    );
    await m.say(BGS_SECRETARY, "bgs", "外出 姜春燕 12月1日至12月2日 病假");
    expect(textOf((await m.inbox({ chat: "bgs" })).at(-1))).toBe(
      "已登记：姜春燕 12月1日至12月2日 病假。期间不再私信其催报和提醒，12月3日起恢复。正在私信告知姜春燕。",
    );
    expect(await lastText(m, JIANG)).toBe(
      "刘志强为您登记了外出：12月1日至12月2日 病假。期间不再私信您催报和提醒。如有误，请发送“外出 取消”撤销，或与其联系。",
    );
    await m.say(ADMIN, "p2p", "外出 李少华 11月30日至12月31日 学习培训");
    expect(await lastText(m, ADMIN)).toBe(
      "已登记：李少华 11月30日至12月31日 学习培训。期间不再私信其催报和提醒，2027年1月1日起恢复。正在私信告知李少华。",
    );
    await m.say(ADMIN, "p2p", "外出 无此人 12月3日");
    expect(await lastText(m, ADMIN)).toBe("名册中没有“无此人”，请检查姓名。");
    await m.say(ADMIN, "p2p", "外出 李少华");
    expect(await lastText(m, ADMIN)).toContain("李少华登记的外出：\n· 11月30日至12月31日 学习培训（外出中）");
    const audit = await m.db.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.entity, "away_period"), eq(schema.auditLog.action, "create")));
    expect(audit).toHaveLength(5);
    const byAdmin = audit.find((a) => (a.after as { member?: string }).member === "李少华");
    expect(byAdmin?.actorId).toBe(await m.memberIdOf(ADMIN));
  });

  it("联系点: no card or 调研 reminder while away; both on the first working day back", async () => {
    await m.tick(local("2026-12-01 09:00"));
    const cards = async (code: string) =>
      (await texts(m, code)).filter((t) => t.includes("2026年11月联系点情况")).length;
    const research = async (code: string) =>
      (await texts(m, code)).filter((t) => t.includes("【调研提醒】")).length;
    expect(await cards(CAO)).toBe(1);
    expect(await cards(KONG)).toBe(1);
    expect(await cards(PENG)).toBe(0);
    expect(await cards(LI)).toBe(0);
    expect(await research(CAO)).toBe(1);
    expect(await research(PENG)).toBe(0);
    await m.tick(local("2026-12-02 09:00"));
    expect(await cards(PENG)).toBe(0);
    await m.tick(local("2026-12-03 09:00"));
    expect(await cards(PENG)).toBe(1);
    expect(await research(PENG)).toBe(1);
    expect(await cards(LI)).toBe(0);
    expect(await research(LI)).toBe(0);
  });

  it("党组会: an attendee away that day gets no reminder or sign-in card, and no absence note", async () => {
    at("2026-12-01 10:00");
    await m.say(ADMIN, "p2p", "安排 党组会 12月7日 9:00 党组会议室");
    const [meeting] = await m.db.db.select().from(schema.meetings).where(isNull(schema.meetings.branchId));
    expect(meeting?.kind).toBe("leading_group");
    const marks = new Map<string, number>();
    for (const code of [CAO, LI, KONG, LU]) marks.set(code, (await texts(m, code)).length);
    await m.tick(local("2026-12-04 16:00")); // the day before is a Sunday; 16:00 on it
    await m.tick(local("2026-12-06 16:00"));
    await m.tick(local("2026-12-07 08:00"));
    await m.tick(local("2026-12-07 08:46"));
    for (const code of [KONG, LU]) {
      const got = await since(m, code, marks.get(code) ?? 0);
      expect(got.filter((t) => t.includes("【会议提醒】党组会")).length, code).toBe(2);
      expect(got.filter((t) => t.includes("签到：")).length, code).toBe(1);
    }
    for (const code of [CAO, LI]) {
      const got = await since(m, code, marks.get(code) ?? 0);
      expect(
        got.filter((t) => t.includes("【会议提醒】") || t.includes("签到：")),
        code,
      ).toEqual([]);
    }
    const skipped = await m.db.db
      .select({ reason: schema.outbox.skipReason })
      .from(schema.outbox)
      .where(eq(schema.outbox.state, "skipped"));
    expect(skipped.filter((s) => s.reason?.includes("外出"))).toEqual([]);
    // Nobody signs in; it closes at its end; the creator sees who was away, the away get no note.
    await m.tick(local("2026-12-07 10:31"));
    await m.tick(local("2026-12-07 11:30"));
    const report = (await texts(m, ADMIN)).find((t) => t.includes("缺席情况：")) ?? "";
    expect(report).toContain("曹芳（外出：出差）");
    expect(report).toContain("李少华（外出：学习培训）");
    expect(report).toContain("他们（外出的同志除外）将在会议结束");
    const notes = async (code: string) =>
      (await since(m, code, marks.get(code) ?? 0)).filter((t) => t.includes("也没有请假记录")).length;
    expect(await notes(KONG)).toBe(1);
    expect(await notes(CAO)).toBe(0);
    expect(await notes(LI)).toBe(0);
    const card = (await m.inbox({ member: ADMIN })).find((x) =>
      textOf(x).includes("缺席情况："),
    ) as MemoryMessage;
    const reminded = await m.click(ADMIN, card, "meeting.remind_absentees");
    expect(reminded.toast?.text).toBe("正在私信提醒 2 位同志。曹芳、李少华当天外出，未提醒。");
  });

  it("a member back early ends the absence; from today he is nudged again", async () => {
    at("2026-12-08 10:00");
    await m.say(CAO, "p2p", "外出 取消");
    expect(await lastText(m, CAO)).toBe("已结束您的外出（出差），记为 12月3日至12月7日；今天起恢复提醒。");
    const [row] = await m.db.db
      .select()
      .from(schema.awayPeriods)
      .where(eq(schema.awayPeriods.memberId, await m.memberIdOf(CAO)));
    expect(row?.endsOn).toBe("2026-12-07");
    await m.say(ADMIN, "p2p", "外出 取消 姜春燕 12月1日");
    expect(await lastText(m, ADMIN)).toBe(
      "已撤销姜春燕 12月1日至12月2日 的外出（病假）。正在私信告知姜春燕。",
    );
    await m.say(PENG, "p2p", "外出 取消 12月15日");
    expect(await lastText(m, PENG)).toBe("您12月15日没有登记外出。");
  });

  it("nudges skip the day away and resume; the summary says 外出，未报 rather than 未报", async () => {
    const nudges = async (code: string) =>
      (await texts(m, code)).filter((t) => t.includes("催报") || t.includes("还剩")).length;
    const before = { PENG: await nudges(PENG), KONG: await nudges(KONG), LI: await nudges(LI) };
    await m.tick(local("2026-12-29 09:00")); // 3 working days left
    expect(await nudges(KONG)).toBe(before.KONG + 1);
    expect(await nudges(PENG)).toBe(before.PENG);
    expect(await nudges(LI)).toBe(before.LI);
    await m.tick(local("2026-12-31 09:00")); // 1 working day left: 彭峰 is back
    expect(await nudges(KONG)).toBe(before.KONG + 2);
    expect(await nudges(PENG)).toBe(before.PENG + 1);
    expect(await nudges(LI)).toBe(before.LI);
    await m.tick(local("2027-01-04 09:00"));
    const summary = (await texts(m, ADMIN)).find((t) => t.includes("2026年11月联系点情况填报汇总")) ?? "";
    expect(summary).toContain("李少华（固定资产投资处党支部，外出，未报）");
    expect(summary).toContain("彭峰（经济运行处党支部，外出 3 个工作日，未报）");
    expect(summary).toMatch(/孔雨婷（离退休干部党支部）/);
  });

  it("an overdue problem's owner away is not nudged until he is back", async () => {
    at("2027-01-04 10:00");
    const card = (await m.inbox({ member: CAO })).find((x) =>
      textOf(x).includes("2026年12月联系点情况"),
    ) as MemoryMessage;
    expect(card).toBeDefined();
    await m.click(CAO, card, "liaison.submit", {
      methods: ["talk"],
      date_talk: "12月15日",
      learned: "支部工作正常开展。",
      problems: "支部活动场地紧张",
    });
    const [problem] = await m.db.db.select().from(schema.liaisonProblems);
    expect(problem?.ownerId).toBe(await m.memberIdOf(JGGL_SECRETARY));
    // Raised 2027-01-04: overdue from 2027-02-03; its owner is away 02-03 to 02-05.
    await m.say(JGGL_SECRETARY, "p2p", "外出 2027-02-03至2027-02-05 出差");
    const overdue = async () => (await texts(m, JGGL_SECRETARY)).filter((t) => t.includes("天未解决")).length;
    await m.tick(local("2027-02-03 09:00"));
    await m.tick(local("2027-02-05 09:00"));
    expect(await overdue()).toBe(0);
    await m.tick(local("2027-02-08 09:00"));
    expect(await overdue()).toBe(1);
  });

  it("第一议题 and 换届: a 书记 away is not nudged; he hears on his first day back", async () => {
    at("2027-03-01 10:00");
    await m.say(ADMIN, "p2p", "第一议题 添加 《关于全面从严治党的重要论述》 2027-02-26 新华社");
    await createTestMeeting(m.db.db, { branch: "bgs", startsAt: local("2027-03-08 15:00") });
    await m.say(BGS_SECRETARY, "p2p", "外出 2027-03-09至2027-03-10 出差");
    await m.say(BGS_SECRETARY, "p2p", "外出 3月17日至3月18日 休假");
    expect(await lastText(m, BGS_SECRETARY)).toBe(
      "已登记：您 3月17日至3月18日 休假。期间不再私信您催报和提醒，3月19日起恢复。",
    );
    await m.tick(local("2027-03-08 14:45"));
    await m.tick(local("2027-03-08 16:31"));
    const studyNudges = async () =>
      (await texts(m, BGS_SECRETARY)).filter((t) => t.startsWith("提醒：请登记第一议题学习")).length;
    const termReminders = async (code: string) =>
      (await texts(m, code)).filter((t) => t.startsWith("【换届提醒】办公室党支部")).length;
    await m.tick(local("2027-03-09 09:00"));
    await m.tick(local("2027-03-10 09:00"));
    expect(await studyNudges()).toBe(0);
    await m.tick(local("2027-03-11 09:00"));
    expect(await studyNudges()).toBe(1);
    // The term ended 2026-06-20; its ninth monthly round is due from 2027-03-17.
    const before = { secretary: await termReminders(BGS_SECRETARY), admin: await termReminders(ADMIN) };
    await m.tick(local("2027-03-17 09:00"));
    await m.tick(local("2027-03-18 09:00"));
    expect(await termReminders(ADMIN)).toBe(before.admin + 1);
    expect(await termReminders(BGS_SECRETARY)).toBe(before.secretary);
    await m.tick(local("2027-03-19 09:00"));
    expect(await termReminders(BGS_SECRETARY)).toBe(before.secretary + 1);
  });
});
