import { describe, expect, it } from "vitest";
import { decideSubmission, filingTiming, mayEdit } from "../../src/domain/liaison-filing.ts";
import { ownerLabel, parseProblemLines, readOwner } from "../../src/domain/liaison-problem-lines.ts";
import { parseContactDates, parseLiaisonForm } from "../../src/domain/liaison-report.ts";

const owners = { branchName: "办公室党支部", departments: ["机关事务处党支部", "人事处", "机关党委"] };
const ctx = { ...owners, reportMonth: "2026-10-01", today: "2026-10-20" };

const good = {
  methods: ["org_life", "research"],
  date_org_life: "10月9日",
  date_research: "2026-10-15、16日",
  learned: "支部按期开展主题党日，党员发展工作有序推进。",
  guidance: "抓好第一议题学习。",
  problems: "1. 党员发展材料归档不全 @支部\n\n2、食堂就餐秩序需改善 @机关事务处\n人事处：年轻干部轮岗渠道少",
};

describe("the monthly form", () => {
  it("reads a full report: contacts sorted by day, owners resolved, blank lines skipped", () => {
    expect(parseLiaisonForm(good, ctx)).toEqual({
      ok: true,
      report: {
        month: "2026-10-01",
        contacts: [
          { method: "org_life", day: "2026-10-09" },
          { method: "research", day: "2026-10-15" },
          { method: "research", day: "2026-10-16" },
        ],
        otherMethod: undefined,
        learned: "支部按期开展主题党日，党员发展工作有序推进。",
        guidance: "抓好第一议题学习。",
        problems: [
          { description: "党员发展材料归档不全", owner: { kind: "branch" } },
          { description: "食堂就餐秩序需改善", owner: { kind: "department", name: "机关事务处党支部" } },
          { description: "年轻干部轮岗渠道少", owner: { kind: "department", name: "人事处" } },
        ],
        noContactReason: undefined,
      },
    });
  });

  it("takes Chinese labels for methods and a date without a tick as picking the method", () => {
    const r = parseLiaisonForm(
      { methods: "谈心谈话", date_talk: "10.12", date_remote: "10月19号", learned: "了解了思想动态" },
      ctx,
    );
    expect(r.ok && r.report.contacts).toEqual([
      { method: "talk", day: "2026-10-12" },
      { method: "remote", day: "2026-10-19" },
    ]);
  });

  it("本月未能联系 with a reason: no contacts needed, problems still taken", () => {
    const r = parseLiaisonForm(
      { no_contact: ["no_contact"], no_contact_reason: "外出学习一个月", problems: "学习资料不足 @本人" },
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      report: {
        month: "2026-10-01",
        contacts: [],
        otherMethod: undefined,
        learned: "",
        guidance: "",
        problems: [{ description: "学习资料不足", owner: { kind: "leader" } }],
        noContactReason: "外出学习一个月",
      },
    });
  });

  it("each mistake has its own polite message, all reported together", () => {
    expect(parseLiaisonForm({}, ctx)).toEqual({
      ok: false,
      problems: [
        "请选择至少一种联系方式并填写日期；本月确实未能联系的，请勾选“本月未能联系”并写明原因",
        "请填写“了解到的情况”",
      ],
      message:
        "提交未成功，请修改以下内容后再提交：\n" +
        "1. 请选择至少一种联系方式并填写日期；本月确实未能联系的，请勾选“本月未能联系”并写明原因\n" +
        "2. 请填写“了解到的情况”",
    });
    expect(
      parseLiaisonForm({ no_contact: "true", methods: ["talk"], date_talk: "10月3日" }, ctx),
    ).toMatchObject({
      ok: false,
      problems: [
        "勾选了“本月未能联系”，请写明原因",
        "勾选了“本月未能联系”，就不能同时填写联系方式（谈心谈话）",
      ],
    });
    expect(
      parseLiaisonForm({ methods: ["other", "visit"], learned: "x", date_other: "10月2日" }, ctx),
    ).toMatchObject({
      ok: false,
      problems: ["不认识的联系方式“visit”，请刷新卡片后重新选择", "选择了“其他”，请写明是哪种联系方式"],
    });
  });

  it("caps text at 2,000 characters and reasons at 500, naming the limit", () => {
    const r = parseLiaisonForm(
      {
        ...good,
        learned: "情".repeat(2001),
        guidance: "导".repeat(2000),
        no_contact_reason: "因".repeat(501),
      },
      ctx,
    );
    expect(r).toMatchObject({
      ok: false,
      problems: [
        "“未能联系的原因”过长（501 字，最多 500 字），请精简后再提交",
        "“了解到的情况”过长（2001 字，最多 2000 字），请精简后再提交",
      ],
    });
    const other = parseLiaisonForm(
      {
        ...good,
        methods: ["other"],
        date_other: "10月2日",
        other_method: "信".repeat(101),
        guidance: "导".repeat(2001),
      },
      ctx,
    );
    expect(other).toMatchObject({
      ok: false,
      problems: [
        "“其他联系方式”过长（101 字，最多 100 字），请精简后再提交",
        "“指导意见”过长（2001 字，最多 2000 字），请精简后再提交",
      ],
    });
  });
});

describe("contact dates", () => {
  it("reads several forms and separators, drops duplicates", () => {
    expect(
      parseContactDates("2026/10/9, 10月9日 和 12号；2026年10月20日", "2026-10-01", "2026-10-20", "调研"),
    ).toEqual({
      ok: true,
      days: ["2026-10-09", "2026-10-12", "2026-10-20"],
    });
  });

  it("refuses dates outside the month, in the future, invalid, unreadable or missing", () => {
    const read = (t: string) => parseContactDates(t, "2026-10-01", "2026-10-20", "调研");
    expect(read("9月30日")).toEqual({ ok: false, problems: ["“调研”的日期 9月30日 不在2026年10月内"] });
    expect(read("10月21日")).toEqual({ ok: false, problems: ["“调研”的日期 10月21日 还没有到"] });
    expect(read("10月32日")).toEqual({ ok: false, problems: ["“调研”的日期“10月32日”无效"] });
    expect(read("2026-10")).toEqual({ ok: false, problems: ["“调研”的日期“2026-10”无效"] });
    expect(read("上周三")).toEqual({
      ok: false,
      problems: ["“调研”的日期中有看不懂的内容“上周三”，请写成 10月15日 或 2026-10-15"],
    });
    expect(read(" ")).toEqual({ ok: false, problems: ["选择了“调研”，请填写日期"] });
  });
});

describe("problem lines", () => {
  it("owner after @ or before a colon; a colon that names nobody is part of the text", () => {
    expect(
      parseProblemLines("反映：会议记录不规范\n（3）材料不全 ＠ 办公室党支部\n- 经费紧张 @我", owners),
    ).toEqual({
      ok: true,
      lines: [
        { description: "反映：会议记录不规范", owner: { kind: "branch" } },
        { description: "材料不全", owner: { kind: "branch" } },
        { description: "经费紧张", owner: { kind: "leader" } },
      ],
    });
    expect(readOwner("机关事务处", owners)).toEqual({ kind: "department", name: "机关事务处党支部" });
    expect(readOwner("机关党委", owners)).toEqual({ kind: "department", name: "机关党委" });
    expect(ownerLabel({ kind: "branch" }, "办公室党支部")).toBe("办公室党支部");
    expect(ownerLabel({ kind: "leader" }, "办公室党支部")).toBe("联系领导本人");
  });

  it("names each bad line: unknown owner, owner without text, too long", () => {
    expect(parseProblemLines(`问题甲 @财务科\n @支部\n@\n${"长".repeat(501)}`, owners)).toEqual({
      ok: false,
      problems: [
        "第 1 条问题：不认识负责方“财务科”，请写 支部、本人 或部门名称（如 机关事务处党支部）",
        "第 2 条问题只写了负责方，请补上问题描述",
        "第 3 条问题：@ 后面没有写负责方",
        "第 4 条问题过长（501 字，每条最多 500 字）",
      ],
    });
  });

  it("at most 20 problems", () => {
    const text = Array.from({ length: 21 }, (_, i) => `问题${i + 1}`).join("\n");
    expect(parseProblemLines(text, owners)).toEqual({
      ok: false,
      problems: ["问题最多填写 20 条（现有 21 条），请合并相近的问题，其余可下月再反映"],
    });
    expect(parseProblemLines(text.split("\n").slice(0, 20).join("\n"), owners)).toMatchObject({ ok: true });
  });
});

describe("filing: on time, late, edits", () => {
  it("on time through the deadline day, late from the day after", () => {
    // Previous-month mode: September's report is due by 10-31.
    expect(filingTiming("2026-09-01", "previous", "2026-10-31")).toBe("on_time");
    expect(filingTiming("2026-09-01", "previous", "2026-11-01")).toBe("late");
    expect(filingTiming("2026-10-01", "current", "2026-10-31")).toBe("on_time");
    expect(filingTiming("2026-10-01", "current", "2026-11-02")).toBe("late");
  });

  it("a first filing is always taken (late if so); a future month is refused", () => {
    const base = { reportMonth: "2026-10-01", mode: "current" as const, existing: undefined };
    expect(decideSubmission({ ...base, today: "2026-10-31" })).toEqual({
      ok: true,
      action: "create",
      timing: "on_time",
    });
    expect(decideSubmission({ ...base, today: "2027-03-01" })).toEqual({
      ok: true,
      action: "create",
      timing: "late",
    });
    expect(decideSubmission({ ...base, today: "2026-09-30" })).toEqual({
      ok: false,
      reason: "future_month",
      message: "2026年10月还没有开始，暂不能填报。",
    });
  });

  it("edits until the month after next begins: the last day of November yes, 1 December no", () => {
    const base = {
      reportMonth: "2026-10-01",
      mode: "previous" as const,
      existing: { filedOn: "2026-11-03" },
    };
    expect(mayEdit("2026-10-01", "2026-11-30")).toBe(true);
    expect(decideSubmission({ ...base, today: "2026-11-30" })).toEqual({ ok: true, action: "update" });
    expect(decideSubmission({ ...base, today: "2026-12-01" })).toEqual({
      ok: false,
      reason: "edit_closed",
      message: "2026年10月的联系点情况只能在 2026年12月1日 前修改，现已过期。如需更正，请联系机关党委。",
    });
  });
});
