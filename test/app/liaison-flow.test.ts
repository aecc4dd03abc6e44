/**
 * 联系点 end to end on the in-memory platform: the whole bot, the real scheduler and database on a clock
 * the test moves, from the assignment in chat to the Excel sheets. What each person sees is read as
 * CardView and text; buttons and forms are pressed by their action names.
 */
import { and, eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportMeetingLedger } from "../../src/app/export-ledger.ts";
import { liaisonSummaryFor } from "../../src/app/liaison/summary.ts";
import * as schema from "../../src/db/schema.ts";
import type { MemoryMessage } from "../../src/platforms/memory/adapter.ts";
import { databaseTargets } from "../support/databases.ts";
import { cardText, type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const ADMIN = "1007";
const ADMIN_2 = "1008";
const CAO = "1005"; // 曹芳: leader, liaison 价格管理处 (jggl); assigned 经济运行处 (jjyx) in chat below
const LI = "1015"; // 李少华: leader, liaison 固定资产投资处 (gdtz); never files
const JJYX_SECRETARY = "1021"; // 蔡洁
const BGS_SECRETARY = "1001"; // 刘志强: 办公室党支部书记, owner of 办公室 problems
const MEMBER = "1009";

const local = (text: string) => new Date(`${text}:00+08:00`);
const titles = (ms: MemoryMessage[]) =>
  ms.map((m) => (m.message.kind === "card" ? m.message.card.header.title : ""));
const cardsTitled = (ms: MemoryMessage[], part: string) =>
  ms.filter((m) => m.message.kind === "card" && m.message.card.header.title.includes(part));

const FORM = {
  methods: ["research", "talk"],
  date_research: "9月20日",
  date_talk: "9月22日、9月25日",
  learned: "支部班子团结，组织生活按期开展；青年党员理论学习热情高。",
  guidance: "结合中心工作开展主题党日。",
  problems: "党员发展材料归档不全 @支部\n办公室：会议室预约系统经常出错",
};

describe.each(databaseTargets)("联系点 end to end on $name", (target) => {
  let m: MemoryBot;
  let jjyx: string;
  beforeAll(async () => {
    m = await startMemoryBot(target);
    const [b] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "jjyx"));
    jjyx = b?.id ?? "";
  });
  afterAll(async () => {
    await m?.close();
  });

  const at = (text: string) => {
    m.clock.now = local(text);
  };

  it("an admin assigns a second 联系点 in chat, audited; others may not", async () => {
    at("2026-09-15 10:00");
    await m.say(MEMBER, "p2p", "联系点 指定 曹芳 经济运行处党支部");
    expect(textOf((await m.inbox({ member: MEMBER })).at(-1))).toContain("只有机关党委工作人员");
    await m.say(ADMIN, "p2p", "联系点 指定 曹芳 办公室党支部");
    expect(textOf((await m.inbox({ member: ADMIN })).at(-1))).toContain("不能是 曹芳 本人所在的支部");
    await m.say(ADMIN, "p2p", "联系点 指定 曹芳 经济运行处党支部");
    expect(textOf((await m.inbox({ member: ADMIN })).at(-1))).toContain(
      "已指定 曹芳 联系 经济运行处党支部（自 2026-09-15 起）。曹芳 现联系 价格管理处党支部、经济运行处党支部",
    );
    const audit = await m.db.db
      .select()
      .from(schema.auditLog)
      .where(
        and(eq(schema.auditLog.entity, "liaison"), eq(schema.auditLog.actorId, await m.memberIdOf(ADMIN))),
      );
    expect(audit).toHaveLength(1);
  });

  it("sends nothing during 国庆 and the card on the first working day after it (10月8日), about September", async () => {
    await m.tick(local("2026-10-01 09:00"));
    await m.tick(local("2026-10-07 09:00"));
    expect(cardsTitled(await m.inbox({ member: CAO }), "联系点情况")).toHaveLength(0);
    await m.tick(local("2026-10-08 09:00"));
    const cao = cardsTitled(await m.inbox({ member: CAO }), "2026年9月联系点情况");
    expect(titles(cao).sort()).toEqual([
      "2026年9月联系点情况：价格管理处党支部",
      "2026年9月联系点情况：经济运行处党支部",
    ]);
    expect(cardText(cao[0]?.message.kind === "card" ? cao[0].message.card : (undefined as never))).toContain(
      "请于 10月31日 前提交",
    );
    expect(cardsTitled(await m.inbox({ member: LI }), "2026年9月联系点情况")).toHaveLength(1);
    // From October, leaders without the year's 调研 are reminded.
    expect(textOf((await m.inbox({ member: LI })).find((x) => textOf(x).includes("调研提醒")))).toContain(
      "固定资产投资处党支部调研 0 次",
    );
    // A second tick the same day sends nothing again.
    await m.tick(local("2026-10-08 15:00"));
    expect(cardsTitled(await m.inbox({ member: CAO }), "2026年9月联系点情况")).toHaveLength(2);
  });

  it("a submit with mistakes is refused with every mistake; a good one files, tells the 书记, hands out two problems", async () => {
    at("2026-10-09 10:00");
    const card = cardsTitled(await m.inbox({ member: CAO }), "经济运行处党支部")[0] as MemoryMessage;
    const bad = await m.click(CAO, card, "liaison.submit", {
      ...FORM,
      date_research: "10月3日",
      learned: "",
    });
    expect(bad.toast?.type).toBe("warning");
    expect(bad.toast?.text).toContain("不在2026年9月内");
    expect(bad.toast?.text).toContain("请填写“了解到的情况”");
    expect(await m.db.db.select().from(schema.liaisonReports)).toHaveLength(0);

    const ok = await m.click(CAO, card, "liaison.submit", FORM);
    expect(ok.toast).toEqual({ type: "success", text: "已提交，已告知支部书记，2 个问题已交负责方办理。" });
    const shown = cardText(ok.card as never);
    expect(shown).toContain("已填报2026年9月联系点情况：经济运行处党支部");
    expect(shown).toContain("调研：9月20日");
    expect(shown).toContain("谈心谈话：9月22日、9月25日");
    expect(shown).toContain("1. 党员发展材料归档不全（经济运行处党支部，待处理）");
    expect(shown).toContain("2. 会议室预约系统经常出错（办公室党支部，待处理）");
    expect(shown).toContain("[修改]");

    const [report] = await m.db.db.select().from(schema.liaisonReports);
    expect(report).toMatchObject({ month: "2026-09-01", filedOn: "2026-10-09" });
    expect(report?.contacts).toEqual([
      { method: "research", day: "2026-09-20" },
      { method: "talk", day: "2026-09-22" },
      { method: "talk", day: "2026-09-25" },
    ]);
    const problems = await m.db.db.select().from(schema.liaisonProblems);
    expect(problems.map((p) => [p.description, p.ownerId]).sort()).toEqual(
      [
        ["党员发展材料归档不全", await m.memberIdOf(JJYX_SECRETARY)],
        ["会议室预约系统经常出错", await m.memberIdOf(BGS_SECRETARY)],
      ].sort(),
    );
    // The 书记's short note and the problem cards went out.
    const secretary = await m.inbox({ member: JJYX_SECRETARY });
    expect(secretary.map(textOf)).toContain(
      "曹芳已填报2026年9月对经济运行处党支部的联系点情况，反映问题 2 条，请留意问题办理卡片。",
    );
    expect(cardsTitled(secretary, "请办理联系点反映的问题")).toHaveLength(1);
    expect(cardsTitled(await m.inbox({ member: BGS_SECRETARY }), "请办理联系点反映的问题")).toHaveLength(1);
  });

  it("修改 reopens the form filled in; saving again is an edit (audited), not a second filing", async () => {
    at("2026-10-12 10:00");
    const card = cardsTitled(
      await m.inbox({ member: CAO }),
      "已填报2026年9月联系点情况：经济运行处",
    )[0] as MemoryMessage;
    const reopened = await m.click(CAO, card, "liaison.edit");
    const form = reopened.card;
    expect(form?.header.title).toBe("修改2026年9月联系点情况（经济运行处党支部）");
    const inputs = form?.blocks.find((b) => b.type === "form");
    expect(inputs?.type === "form" && inputs.inputs.find((i) => i.name === "problems")?.initial).toBe(
      "党员发展材料归档不全 @经济运行处党支部\n会议室预约系统经常出错 @办公室党支部",
    );
    const saved = await m.click(CAO, card, "liaison.submit", {
      ...FORM,
      guidance: "每季度到支部讲一次党课。",
    });
    expect(saved.toast?.text).toBe("已保存修改。");
    expect(await m.db.db.select().from(schema.liaisonProblems)).toHaveLength(2);
    const [report] = await m.db.db.select().from(schema.liaisonReports);
    expect(report).toMatchObject({ guidance: "每季度到支部讲一次党课。", filedOn: "2026-10-09" });
    const audit = await m.db.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.entity, "liaison_report"));
    expect(audit.map((a) => a.action)).toEqual(["create", "update"]);
    // The 书记 heard of the filing once.
    const notes = (await m.inbox({ member: JJYX_SECRETARY })).filter((x) => textOf(x).includes("已填报"));
    expect(notes).toHaveLength(1);
  });

  it("nudges non-responders on the 3rd and last working day before the deadline, not those who filed", async () => {
    await m.tick(local("2026-10-27 09:00"));
    expect(cardsTitled(await m.inbox({ member: LI }), "提醒：请填报")).toHaveLength(0);
    await m.tick(local("2026-10-28 09:00"));
    expect(titles(cardsTitled(await m.inbox({ member: LI }), "提醒：请填报"))).toEqual([
      "提醒：请填报2026年9月联系点情况（固定资产投资处党支部）",
    ]);
    // 曹芳 filed for 经济运行处 but not for 价格管理处.
    expect(titles(cardsTitled(await m.inbox({ member: CAO }), "提醒：请填报"))).toEqual([
      "提醒：请填报2026年9月联系点情况（价格管理处党支部）",
    ]);
    await m.tick(local("2026-10-29 09:00"));
    expect(cardsTitled(await m.inbox({ member: LI }), "提醒：请填报")).toHaveLength(1);
    await m.tick(local("2026-10-30 09:00"));
    expect(cardsTitled(await m.inbox({ member: LI }), "提醒：请填报")).toHaveLength(2);
    await m.tick(local("2026-10-31 09:00"));
    expect(cardsTitled(await m.inbox({ member: LI }), "提醒：请填报")).toHaveLength(2);
  });

  it("the first working day after the deadline, the 机关党委 admins get one summary: who filed, who did not", async () => {
    await m.tick(local("2026-11-02 09:00"));
    await m.tick(local("2026-11-02 11:00"));
    for (const admin of [ADMIN, ADMIN_2]) {
      const sums = cardsTitled(await m.inbox({ member: admin }), "2026年9月联系点情况填报汇总");
      expect(sums).toHaveLength(1);
      const text = cardText(sums[0]?.message.kind === "card" ? sums[0].message.card : (undefined as never));
      expect(text).toContain("按时填报（1）：曹芳（经济运行处党支部）");
      expect(text).toContain("未填报（5）");
      expect(text).toContain("李少华（固定资产投资处党支部）");
    }
  });

  it("the owner resolves a problem: 解决情况 required; the leader hears and the branch chat gets a reply", async () => {
    at("2026-11-03 10:00");
    const card = cardsTitled(
      await m.inbox({ member: JJYX_SECRETARY }),
      "请办理联系点反映的问题",
    )[0] as MemoryMessage;
    const someoneElse = await m.click(MEMBER, card, "liaison.problem", { status: "resolved", text: "x" });
    expect(someoneElse.toast?.text).toContain("由蔡洁负责办理");
    const noText = await m.click(JJYX_SECRETARY, card, "liaison.problem", { status: "resolved", text: "" });
    expect(noText.toast?.text).toBe("标记“已解决”时，请填写解决情况。");
    const progress = await m.click(JJYX_SECRETARY, card, "liaison.problem", { status: "in_progress" });
    expect(progress.toast?.text).toBe("已标记为“处理中”。");
    const done = await m.click(JJYX_SECRETARY, card, "liaison.problem", {
      status: "resolved",
      text: "已补齐 3 名发展对象的材料并归档",
    });
    expect(done.toast?.text).toBe("已标记为“已解决”，已告知反映人曹芳，已在支部群回复。");
    expect(cardText(done.card as never)).toContain("问题已解决");
    const chat = (await m.inbox({ chat: "jjyx" })).map(textOf);
    expect(chat).toContain(
      "【问题回音】曹芳在2026年9月联系点情况中反映的“党员发展材料归档不全”已解决：已补齐 3 名发展对象的材料并归档",
    );
    expect((await m.inbox({ member: CAO })).map(textOf)).toContain(
      "您反映的经济运行处党支部问题“党员发展材料归档不全”已由蔡洁标记为已解决：已补齐 3 名发展对象的材料并归档",
    );
    const [p] = await m.db.db
      .select()
      .from(schema.liaisonProblems)
      .where(eq(schema.liaisonProblems.description, "党员发展材料归档不全"));
    expect(p?.history.map((h) => h.status)).toEqual(["in_progress", "resolved"]);
    expect(p).toMatchObject({ status: "resolved", resolvedOn: "2026-11-03" });
  });

  it("问题 lists the branch's open problems in its chat, and one's own privately", async () => {
    at("2026-11-03 11:00");
    await m.say(JJYX_SECRETARY, "jjyx", "问题");
    const list = textOf((await m.inbox({ chat: "jjyx" })).at(-1));
    expect(list).toContain("经济运行处党支部：未解决的联系点问题");
    expect(list).toContain("1. 会议室预约系统经常出错（经济运行处党支部；办公室党支部 · 刘志强；待处理）");
    expect(list).not.toContain("归档不全");
    await m.say(CAO, "p2p", "问题 全部");
    const mine = textOf((await m.inbox({ member: CAO })).at(-1));
    expect(mine).toContain("党员发展材料归档不全（经济运行处党支部；经济运行处党支部 · 蔡洁；已解决）");
    expect(mine).toContain("会议室预约系统经常出错");
  });

  it("an overdue problem nudges its owner on a working day, at most weekly", async () => {
    // Raised 10月9日: overdue after 30 days, from 11月9日 (a Monday).
    await m.tick(local("2026-11-06 09:00"));
    expect(cardsTitled(await m.inbox({ member: BGS_SECRETARY }), "天未解决")).toHaveLength(0);
    await m.tick(local("2026-11-09 09:00"));
    expect(titles(cardsTitled(await m.inbox({ member: BGS_SECRETARY }), "天未解决"))).toEqual([
      "问题已 31 天未解决：经济运行处党支部",
    ]);
    await m.tick(local("2026-11-10 09:00"));
    await m.tick(local("2026-11-13 09:00"));
    expect(cardsTitled(await m.inbox({ member: BGS_SECRETARY }), "天未解决")).toHaveLength(1);
    await m.tick(local("2026-11-16 09:00"));
    expect(cardsTitled(await m.inbox({ member: BGS_SECRETARY }), "天未解决")).toHaveLength(2);
  });

  it("联系点 情况: admins see every leader by month; a leader only his own; others are told who may", async () => {
    at("2026-11-16 10:00");
    await m.say(ADMIN, "p2p", "联系点 情况");
    const all = textOf((await m.inbox({ member: ADMIN })).at(-1));
    expect(all).toContain("2026年联系点情况");
    expect(all).toContain("曹芳 → 经济运行处党支部");
    expect(all).toContain("9月已报 10月未到期 11月未到期\n");
    expect(all).toContain("调研 1/1；问题 反映 2，解决 1，逾期 1，办结中位 25 天");
    expect(all).toContain("李少华 → 固定资产投资处党支部");
    await m.say(CAO, "p2p", "联系点 情况");
    const own = textOf((await m.inbox({ member: CAO })).at(-1));
    expect(own).toContain("曹芳 → 价格管理处党支部");
    expect(own).not.toContain("李少华");
    await m.say(MEMBER, "p2p", "联系点 情况");
    expect(textOf((await m.inbox({ member: MEMBER })).at(-1))).toContain("仅限机关党委工作人员和领导干部");
  });

  it("the summary for 支部情况 counts reports, the last visit and open/overdue problems per branch", async () => {
    const [bgs] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "bgs"));
    const summary = await liaisonSummaryFor(m.db.db, {
      branchIds: [jjyx, bgs?.id ?? ""],
      year: 2026,
      today: "2026-11-16",
    });
    expect(summary.get(jjyx)).toEqual({
      reportsThisYear: 1,
      lastVisitOn: "2026-09-25",
      openProblems: 1,
      overdueProblems: 1,
    });
    // The 办公室 problem belongs to the branch it was found in (经济运行处), whoever owns it.
    expect(summary.get(bgs?.id ?? "")).toEqual({
      reportsThisYear: 0,
      lastVisitOn: null,
      openProblems: 0,
      overdueProblems: 0,
    });
  });

  it("the workbook of `npx zhibu export` has sheets 联系点月报 and 问题清单", async () => {
    const { buffer } = await exportMeetingLedger(m.db.db, {
      from: "2026-01-01",
      to: "2026-12-31",
      timeZone: "Asia/Shanghai",
    });
    const sheets = await readXlsxFile(buffer);
    const reports = sheets.find((s) => s.sheet === "联系点月报")?.data ?? [];
    expect(reports[0]).toEqual([
      "月份",
      "联系领导",
      "联系点",
      "填报日期",
      "按时/补报",
      "联系方式及日期",
      "到支部次数",
      "调研日期",
      "了解到的情况",
      "指导意见",
      "未能联系原因",
      "问题数",
      "最后修改",
    ]);
    expect(reports).toHaveLength(2);
    expect(reports[1]?.slice(0, 8)).toEqual([
      "2026年9月",
      "曹芳",
      "经济运行处党支部",
      "2026-10-09",
      "按时",
      "调研 9月20日；谈心谈话 9月22日、9月25日",
      3,
      "2026-09-20",
    ]);
    const problems = sheets.find((s) => s.sheet === "问题清单")?.data ?? [];
    expect(problems[0]).toEqual([
      "反映日期",
      "联系点",
      "反映人",
      "月份",
      "问题",
      "负责方",
      "负责人",
      "状态",
      "解决情况",
      "解决日期",
      "办理天数",
      "需要协调事项",
      "办理记录",
    ]);
    const row = problems.find((r) => r[4] === "党员发展材料归档不全");
    expect(row?.slice(5, 11)).toEqual([
      "经济运行处党支部",
      "蔡洁",
      "已解决",
      "已补齐 3 名发展对象的材料并归档",
      "2026-11-03",
      25,
    ]);
    expect(String(row?.[12])).toContain("2026-11-03 已解决：已补齐");
  });
});
