/** 联系点 bad input and edge cases, each with its defined outcome, on the in-memory platform. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import type { MemoryMessage } from "../../src/platforms/memory/adapter.ts";
import { databaseTargets } from "../support/databases.ts";
import { cardText, type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";
import { importExampleRoster } from "../support/roster.ts";

const ADMIN = "1007";
const CAO = "1005"; // 曹芳 → 价格管理处 (jggl)
const LI = "1015"; // 李少华 → 固定资产投资处 (gdtz)
const KONG = "1025"; // 孔雨婷 → 离退休干部党支部 (ltx)
const PENG = "1006"; // 彭峰 → 经济运行处 (jjyx)
const GDTZ_SECRETARY = "1031"; // 朱宏伟
const GDTZ_DEPUTY = "1032"; // 梁芳
const MEMBER = "1009";

const local = (text: string) => new Date(`${text}:00+08:00`);
const lastText = async (m: MemoryBot, code: string) => textOf((await m.inbox({ member: code })).at(-1));
const lastCard = async (m: MemoryBot, code: string) =>
  (await m.inbox({ member: code })).at(-1) as MemoryMessage;
const FORM = {
  methods: ["talk"],
  date_talk: "10月15日",
  learned: "支部工作正常开展。",
  problems: "支部活动场地紧张",
};

describe.each(databaseTargets)("联系点 edge cases on $name", (target) => {
  let m: MemoryBot;
  beforeAll(async () => {
    m = await startMemoryBot(target);
  });
  afterAll(async () => {
    await m?.close();
  });
  const at = (text: string) => {
    m.clock.now = local(text);
  };

  it("a member who is not a leader, and a leader without a liaison branch, are told why", async () => {
    at("2026-10-20 10:00");
    await m.say(MEMBER, "p2p", "联系点");
    expect(await lastText(m, MEMBER)).toBe(
      "联系点情况由领导干部填报。如您是领导干部，请联系机关党委在名册中登记。",
    );
    await m.say(ADMIN, "p2p", "联系点 取消 彭峰 经济运行处党支部");
    expect(await lastText(m, ADMIN)).toBe(
      "已取消 彭峰 对 经济运行处党支部 的联系（截至 2026-10-19），不再发送该支部的填报卡片。",
    );
    await m.say(PENG, "p2p", "联系点");
    expect(await lastText(m, PENG)).toBe("您目前没有联系点。联系点由机关党委指定，如有疑问请联系机关党委。");
  });

  it("a roster import keeps what an admin changed in chat", async () => {
    at("2026-10-20 11:00");
    await m.say(ADMIN, "p2p", "联系点 指定 李少华 价格管理处党支部");
    expect(await lastText(m, ADMIN)).toContain("已指定 李少华 联系 价格管理处党支部");
    console.log(
      "BEFORE",
      JSON.stringify(
        await m.db.db
          .select()
          .from(schema.liaisonAssignments)
          .where(eq(schema.liaisonAssignments.leaderId, await m.memberIdOf(PENG))),
      ),
    );
    await importExampleRoster(m.db.db, local("2026-10-21 09:00"));
    console.log(
      "AFTER",
      JSON.stringify(
        await m.db.db
          .select()
          .from(schema.liaisonAssignments)
          .where(eq(schema.liaisonAssignments.leaderId, await m.memberIdOf(PENG))),
      ),
    );
    const rows = await m.db.db
      .select({ code: schema.branches.code, validTo: schema.liaisonAssignments.validTo })
      .from(schema.liaisonAssignments)
      .innerJoin(schema.branches, eq(schema.branches.id, schema.liaisonAssignments.branchId))
      .innerJoin(schema.members, eq(schema.members.id, schema.liaisonAssignments.leaderId))
      .where(eq(schema.members.code, LI));
    expect(rows.map((r) => [r.code, r.validTo]).sort()).toEqual([
      ["gdtz", null],
      ["jggl", null],
    ]);
    const [peng] = await m.db.db
      .select({ validTo: schema.liaisonAssignments.validTo })
      .from(schema.liaisonAssignments)
      .where(eq(schema.liaisonAssignments.leaderId, await m.memberIdOf(PENG)));
    expect(peng?.validTo).toBe("2026-10-19");
  });

  it("several liaison branches in private: a choice, then the form for the one picked", async () => {
    at("2026-10-22 10:00");
    await m.say(LI, "p2p", "联系点");
    const choice = await lastCard(m, LI);
    expect(textOf(choice)).toContain("填报2026年10月联系点情况：请选择支部");
    const picked = await m.click(LI, choice, "liaison.open");
    expect(picked.card?.header.title).toBe("2026年10月联系点情况：固定资产投资处党支部");
  });

  it("in the liaison branch's chat the form is sent privately; another branch's chat is refused", async () => {
    at("2026-10-22 11:00");
    await m.say(CAO, "jggl", "联系点");
    expect(textOf((await m.inbox({ chat: "jggl" })).at(-1))).toBe(
      "已私信您价格管理处党支部的联系点填报卡片，请在与我的私聊中填写。",
    );
    expect((await lastCard(m, CAO)).message.kind).toBe("card");
    expect(textOf(await lastCard(m, CAO))).toContain("2026年10月联系点情况：价格管理处党支部");
    await m.say(CAO, "gdtz", "联系点");
    expect(textOf((await m.inbox({ chat: "gdtz" })).at(-1))).toContain("不是您的联系点");
  });

  it("a form submitted twice is one filing: the second is an edit, no second note or problem", async () => {
    at("2026-10-22 12:00");
    const fromChat = await lastCard(m, CAO);
    // A second copy of the form, e.g. opened again on another device before the first was sent.
    await m.say(CAO, "p2p", "联系点");
    const copy = await lastCard(m, CAO);
    expect(copy.messageId).not.toBe(fromChat.messageId);
    const first = await m.click(CAO, fromChat, "liaison.submit", FORM);
    expect(first.toast?.text).toBe("已提交，已告知支部书记，1 个问题已交负责方办理。");
    const second = await m.click(CAO, copy, "liaison.submit", FORM);
    expect(second.toast?.text).toBe("已保存修改。");
    expect(await m.db.db.select().from(schema.liaisonReports)).toHaveLength(1);
    expect(await m.db.db.select().from(schema.liaisonProblems)).toHaveLength(1);
    const notes = (await m.inbox({ member: "1041" })).filter((x) => textOf(x).includes("已填报"));
    expect(notes).toHaveLength(1);
  });

  it("on a day off after the last working day before the deadline, the form says none is left", async () => {
    at("2026-10-31 10:00");
    await m.say(LI, "p2p", "联系点 上月");
    const choice = await lastCard(m, LI);
    const form = await m.click(LI, choice, "liaison.open");
    expect(cardText(form.card as never)).toContain("截止日期为 10月31日，此前已没有工作日，请尽快提交。");
  });

  it("a problem raised for the branch goes to its 书记", async () => {
    at("2026-11-02 10:00");
    // 李少华 files for 固定资产投资处 with a problem for the branch (its 书记 朱宏伟).
    await m.say(LI, "p2p", "联系点");
    const choice = await lastCard(m, LI);
    const form = await m.click(LI, choice, "liaison.open");
    expect(form.card?.header.title).toContain("固定资产投资处党支部");
    const card = await lastCard(m, LI);
    await m.click(LI, card, "liaison.submit", {
      ...FORM,
      date_talk: "11月2日",
      problems: "党小组会记录不全",
    });
    const [problem] = await m.db.db
      .select()
      .from(schema.liaisonProblems)
      .where(eq(schema.liaisonProblems.description, "党小组会记录不全"));
    expect(problem?.ownerId).toBe(await m.memberIdOf(GDTZ_SECRETARY));
  });

  it("after the month after next begins, 修改 and submit are refused with who to ask", async () => {
    at("2026-11-30 17:00");
    const filed = (await m.inbox({ member: CAO })).find((x) =>
      textOf(x).includes("已填报2026年10月"),
    ) as MemoryMessage;
    const form = await m.click(CAO, filed, "liaison.edit");
    expect(form.card?.header.title).toBe("修改2026年10月联系点情况（价格管理处党支部）");
    at("2026-12-01 09:30");
    const late = await m.click(CAO, filed, "liaison.submit", { ...FORM, learned: "改一下" });
    expect(late.toast?.text).toBe(
      "2026年10月的联系点情况只能在 2026年12月1日 前修改，现已过期。如需更正，请联系机关党委。",
    );
    expect(cardText(late.card as never)).toContain("已过修改期限");
    expect(cardText(late.card as never)).not.toContain("[修改]");
    const [report] = await m.db.db.select().from(schema.liaisonReports);
    expect(report?.learned).toBe("支部工作正常开展。");
  });

  it("a late first filing is taken as 补报", async () => {
    at("2026-12-02 10:00");
    await m.say(KONG, "p2p", "联系点 10月");
    const card = await lastCard(m, KONG);
    expect(cardText(card.message.kind === "card" ? card.message.card : (undefined as never))).toContain(
      "已过截止日期（11月30日），现在提交将记为补报。",
    );
    const filed = await m.click(KONG, card, "liaison.submit", { ...FORM, problems: "" });
    expect(filed.toast?.text).toBe("已补报，已告知支部书记。");
    expect(cardText(filed.card as never)).toContain("填报（补报）");
  });

  it("需要协调 goes to the 机关党委; resolving in a branch without a chat says no reply could be posted", async () => {
    at("2026-12-03 10:00");
    const secretary = (await m.inbox({ member: "1041" })).find((x) =>
      textOf(x).includes("请办理联系点反映的问题"),
    );
    expect(secretary).toBeDefined();
    const coord = await m.click("1041", secretary as MemoryMessage, "liaison.problem", {
      status: "needs_coordination",
      text: "需要机关事务处调配会议室",
    });
    expect(coord.toast?.text).toBe("已标记为“需要协调”，已报机关党委协调。");
    expect(await lastText(m, ADMIN)).toContain("【需要协调】价格管理处党支部的问题“支部活动场地紧张”");
    const [jggl] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "jggl"));
    await m.db.db.delete(schema.branchChats).where(eq(schema.branchChats.branchId, jggl?.id ?? ""));
    const done = await m.click("1041", secretary as MemoryMessage, "liaison.problem", {
      status: "resolved",
      text: "已调配二楼会议室",
    });
    expect(done.toast?.text).toBe(
      "已标记为“已解决”，已告知反映人曹芳，价格管理处党支部没有绑定群聊，未能在群内回复。",
    );
    const again = await m
      .click("1041", secretary as MemoryMessage, "liaison.problem", {
        status: "in_progress",
      })
      .catch((e: Error) => e);
    // The resolved card has no form any more: nothing to press.
    expect(String(again)).toContain("has no action liaison.problem");
  });

  it("an overdue problem whose owner left the roster goes to the branch's 书记, audited", async () => {
    const [problem] = await m.db.db
      .select()
      .from(schema.liaisonProblems)
      .where(eq(schema.liaisonProblems.description, "党小组会记录不全"));
    await m.db.db
      .update(schema.members)
      .set({ active: false })
      .where(eq(schema.members.code, GDTZ_SECRETARY));
    await m.tick(local("2026-12-07 09:00"));
    const nudge = (await m.inbox({ member: GDTZ_DEPUTY })).find((x) => textOf(x).includes("天未解决"));
    expect(textOf(nudge)).toContain("原负责人朱宏伟已不在名册中，改由固定资产投资处党支部书记负责");
    const [after] = await m.db.db
      .select()
      .from(schema.liaisonProblems)
      .where(eq(schema.liaisonProblems.id, problem?.id ?? ""));
    expect(after?.ownerId).toBe(await m.memberIdOf(GDTZ_DEPUTY));
    const audit = await m.db.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.entity, "liaison_problem"), eq(schema.auditLog.action, "reassign")));
    expect(audit).toHaveLength(1);
  });

  it("a leader who has joined his liaison branch is told to ask for another, and gets no card", async () => {
    at("2026-12-07 10:00");
    const [jggl] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "jggl"));
    await m.db.db
      .update(schema.members)
      .set({ branchId: jggl?.id ?? "" })
      .where(eq(schema.members.code, CAO));
    await m.say(CAO, "p2p", "联系点");
    expect(await lastText(m, CAO)).toBe(
      "您现在是价格管理处党支部的党员，联系点不能是本人所在的支部。请联系机关党委调整联系点。",
    );
    await m.tick(local("2027-01-04 09:00"));
    const cards = (await m.inbox({ member: CAO })).filter((x) => textOf(x).includes("2026年12月联系点情况"));
    expect(cards).toHaveLength(0);
    expect(
      (await m.inbox({ member: LI })).filter((x) => textOf(x).includes("2026年12月联系点情况：价格管理处")),
    ).toHaveLength(1);
  });
  it("an edit drops problems nobody acted on, keeps those in hand, and hands out the new ones", async () => {
    at("2027-01-05 10:00");
    const card = (await m.inbox({ member: LI })).find((x) =>
      textOf(x).includes("2026年12月联系点情况：价格管理处"),
    ) as MemoryMessage;
    const first = await m.click(LI, card, "liaison.submit", {
      ...FORM,
      date_talk: "12月10日",
      problems: "党费收缴登记不及时\n主题党日计划未报备",
    });
    expect(first.toast?.text).toBe("已提交，已告知支部书记，2 个问题已交负责方办理。");
    const inHand = (await m.inbox({ member: "1041" })).find((x) => textOf(x).includes("党费收缴登记不及时"));
    await m.click("1041", inHand as MemoryMessage, "liaison.problem", { status: "in_progress" });
    await m.click(LI, card, "liaison.edit");
    const edited = await m.click(LI, card, "liaison.submit", {
      ...FORM,
      date_talk: "12月10日",
      problems: "发展党员谈话记录缺页 @支部",
    });
    expect(edited.toast?.text).toBe(
      "已保存修改，1 个问题已交负责方办理，1 个已在办理的问题保留在问题清单中。",
    );
    const [report] = await m.db.db
      .select()
      .from(schema.liaisonReports)
      .where(
        and(
          eq(schema.liaisonReports.leaderId, await m.memberIdOf(LI)),
          eq(schema.liaisonReports.month, "2026-12-01"),
        ),
      );
    const problems = await m.db.db
      .select()
      .from(schema.liaisonProblems)
      .where(eq(schema.liaisonProblems.reportId, report?.id ?? ""));
    expect(problems.map((p) => [p.description, p.status]).sort()).toEqual([
      ["党费收缴登记不及时", "in_progress"],
      ["发展党员谈话记录缺页", "open"],
    ]);
  });
  it("a forged or stale button value is refused with a message, never an error", async () => {
    const press = async (value: Record<string, string>) =>
      m.bot.sink.handleCardAction({
        type: "card_action",
        platform: "feishu",
        eventId: `forged_${Object.values(value).join("_")}`,
        messageId: "om_forged",
        operator: { id: await m.platformId(LI) },
        value,
        formValue: FORM,
      });
    for (const value of [
      { action: "liaison.submit", branch: "not-a-uuid", month: "2026-12-01" },
      { action: "liaison.submit", branch: "00000000-0000-0000-0000-000000000000", month: "2026-12-01" },
      { action: "liaison.edit", branch: "00000000-0000-0000-0000-000000000000", month: "2026-13-01" },
    ])
      expect((await press(value)).toast?.text).toBe("找不到这个联系点，请重新发送“联系点”。");
    const [gdtz] = await m.db.db.select().from(schema.branches).where(eq(schema.branches.code, "ltx"));
    const notMine = await press({ action: "liaison.submit", branch: gdtz?.id ?? "", month: "2026-12-01" });
    expect(notMine.toast?.text).toBe("您在2026年12月不是离退休干部党支部的联系领导，无需填报。");
    const problem = await press({ action: "liaison.problem", problem: "nope" });
    expect(problem.toast?.text).toBe("找不到这个问题，可能已被删除。");
  });
});
