import { describe, expect, it } from "vitest";
import { checkAssign, checkUnassign, chooseLiaisonBranch } from "../../src/domain/liaison-assignment.ts";
import { parseLiaisonArgs, parseProblemArgs, resolveFormMonth } from "../../src/domain/liaison-command.ts";

describe("联系点 command", () => {
  it.each([
    ["", { type: "liaison_form", month: { kind: "current" } }],
    ["本月", { type: "liaison_form", month: { kind: "current" } }],
    ["上个月", { type: "liaison_form", month: { kind: "previous" } }],
    ["10月", { type: "liaison_form", month: { kind: "month", month: 10 } }],
    ["２０２６年９月", { type: "liaison_form", month: { kind: "month", year: 2026, month: 9 } }],
    ["2026-09", { type: "liaison_form", month: { kind: "month", year: 2026, month: 9 } }],
    ["指定 张三 办公室党支部", { type: "liaison_assign", leaderName: "张三", branchName: "办公室党支部" }],
    [
      "指定　「张三」　“综合规划处党支部”",
      { type: "liaison_assign", leaderName: "张三", branchName: "综合规划处党支部" },
    ],
    ["取消 张三 办公室党支部", { type: "liaison_unassign", leaderName: "张三", branchName: "办公室党支部" }],
    ["情况", { type: "liaison_overview", year: undefined }],
    ["情况 2025年", { type: "liaison_overview", year: 2025 }],
  ])("联系点 %s", (text, expected) => {
    expect(parseLiaisonArgs(text)).toEqual(expected);
  });

  it("asks for what is missing or unreadable", () => {
    expect(parseLiaisonArgs("指定 张三")).toEqual({
      type: "incomplete",
      command: "联系点",
      hint: "请按这样的格式指定：联系点 指定 张三 办公室党支部（领导姓名与支部名称之间空一格）",
    });
    expect(parseLiaisonArgs("取消")).toMatchObject({
      type: "incomplete",
      hint: "请按这样的格式取消：联系点 取消 张三 办公室党支部",
    });
    expect(parseLiaisonArgs("13月")).toEqual({
      type: "incomplete",
      command: "联系点",
      hint: "请直接发送“联系点”填报本月情况，或写明月份，如：联系点 上月、联系点 10月、联系点 2026年9月",
    });
    expect(parseLiaisonArgs("情况 去年")).toMatchObject({ type: "incomplete" });
  });

  it("resolves the month against today; a month not yet begun is refused", () => {
    expect(resolveFormMonth({ kind: "current" }, "2026-10-08")).toEqual({ ok: true, month: "2026-10-01" });
    expect(resolveFormMonth({ kind: "previous" }, "2026-01-05")).toEqual({ ok: true, month: "2025-12-01" });
    expect(resolveFormMonth({ kind: "month", month: 12 }, "2027-01-05")).toEqual({
      ok: true,
      month: "2026-12-01",
    });
    expect(resolveFormMonth({ kind: "month", year: 2026, month: 11 }, "2026-10-08")).toEqual({
      ok: false,
      message: "2026年11月还没有开始，暂不能填报。",
    });
  });
});

describe("问题 command", () => {
  it("lists open ones, or all", () => {
    expect(parseProblemArgs("")).toEqual({ type: "problem_list", scope: "open" });
    expect(parseProblemArgs(" 全部 ")).toEqual({ type: "problem_list", scope: "all" });
    expect(parseProblemArgs("张三")).toEqual({
      type: "incomplete",
      command: "问题",
      hint: "发送“问题”查看未解决的问题，“问题 全部”含已解决的。",
    });
  });
});

describe("assigning and choosing a liaison branch", () => {
  const leader = { id: "L", name: "张三", isLeader: true, branchId: "own" };
  const branch = { id: "b1", name: "办公室党支部", kind: "branch" as const };

  it("assign: a leader, a 党支部, not his own, not twice", () => {
    expect(checkAssign(leader, branch, [], "2026-11-10")).toEqual({ ok: true, validFrom: "2026-11-10" });
    expect(checkAssign({ ...leader, isLeader: false }, branch, [], "2026-11-10")).toEqual({
      ok: false,
      message: "张三 在名册中未标记为领导干部，不能指定联系点（请在名册中设置 leader: true 后重新导入）。",
    });
    expect(
      checkAssign(leader, { ...branch, kind: "general_branch", name: "机关第一党总支" }, [], "2026-11-10"),
    ).toEqual({
      ok: false,
      message: "联系点应为党支部，“机关第一党总支” 是党总支。",
    });
    expect(checkAssign(leader, { ...branch, id: "own" }, [], "2026-11-10")).toEqual({
      ok: false,
      message: "联系点不能是 张三 本人所在的支部（办公室党支部）。",
    });
    expect(checkAssign(leader, branch, ["b1"], "2026-11-10")).toEqual({
      ok: false,
      message: "张三 已联系 办公室党支部，无需重复指定。",
    });
  });

  it("unassign ends yesterday (today for one made today)", () => {
    expect(checkUnassign(leader, branch, { validFrom: "2026-01-01" }, "2026-11-10")).toEqual({
      ok: true,
      validTo: "2026-11-09",
    });
    expect(checkUnassign(leader, branch, { validFrom: "2026-11-10" }, "2026-11-10")).toEqual({
      ok: true,
      validTo: "2026-11-10",
    });
    expect(checkUnassign(leader, branch, undefined, "2026-11-10")).toEqual({
      ok: false,
      message: "张三 目前没有联系 办公室党支部，无需取消。",
    });
  });

  it("which branch `联系点` is about", () => {
    const b1 = { id: "b1", name: "办公室党支部" };
    const b2 = { id: "b2", name: "人事处党支部" };
    const own = { id: "own", name: "综合处党支部" };
    const choose = (isLeader: boolean, liaisonBranches: (typeof b1)[], chatBranch?: typeof b1) =>
      chooseLiaisonBranch({ isLeader, liaisonBranches, chatBranch });
    expect(choose(false, [b1])).toEqual({
      kind: "refuse",
      message: "联系点情况由领导干部填报。如您是领导干部，请联系机关党委在名册中登记。",
    });
    expect(choose(true, [])).toEqual({
      kind: "refuse",
      message: "您目前没有联系点。联系点由机关党委指定，如有疑问请联系机关党委。",
    });
    expect(choose(true, [b1])).toEqual({ kind: "branch", branchId: "b1" });
    expect(choose(true, [b1, b2])).toEqual({ kind: "choose", branchIds: ["b1", "b2"] });
    expect(choose(true, [b1, b2], b2)).toEqual({ kind: "branch", branchId: "b2" });
    expect(choose(true, [b1, b2], own)).toEqual({
      kind: "refuse",
      message:
        "本群是综合处党支部的工作群，不是您的联系点（您联系的是 办公室党支部、人事处党支部）。请在与我的私聊中发送“联系点”。",
    });
  });
});
