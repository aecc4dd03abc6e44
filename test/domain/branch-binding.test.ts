import { describe, expect, it } from "vitest";
import { matchBranch, mayBindBranch } from "../../src/domain/branch-binding.ts";

const branches = [
  { id: "1", code: "bgs", name: "办公室党支部" },
  { id: "2", code: "zhgh", name: "综合规划处党支部" },
  { id: "3", code: "zz1", name: "机关第一党总支" },
  { id: "4", code: "zz2", name: "机关第二党总支" },
];

describe("which branch a typed name means", () => {
  it.each([
    ["办公室党支部", "1"],
    ["bgs", "1"],
    ["办公室", "1"],
    ["综合规划处", "2"],
    ["综合 规划处党支部", "2"],
    ["第一党总支", "3"],
  ])("%s", (text, id) => {
    expect(matchBranch(branches, text)).toMatchObject({ kind: "found", branch: { id } });
  });

  it("never guesses between several", () => {
    expect(matchBranch(branches, "党总支")).toMatchObject({ kind: "ambiguous" });
    expect(matchBranch(branches, "机关")).toMatchObject({ kind: "ambiguous" });
  });

  it("says when there is none", () => {
    expect(matchBranch(branches, "财政局党支部")).toEqual({ kind: "none" });
    expect(matchBranch(branches, "  ")).toEqual({ kind: "none" });
  });
});

describe("who may bind a chat", () => {
  it("the branch's 书记/副书记/委员, or an admin for any branch", () => {
    expect(mayBindBranch({ branchId: "1", role: "secretary", isAdmin: false }, "1")).toBe(true);
    expect(mayBindBranch({ branchId: "1", role: "deputy_secretary", isAdmin: false }, "1")).toBe(true);
    expect(mayBindBranch({ branchId: "1", role: "committee_member", isAdmin: false }, "1")).toBe(true);
    expect(mayBindBranch({ branchId: "1", role: "member", isAdmin: false }, "1")).toBe(false);
    expect(mayBindBranch({ branchId: "1", role: "probationary", isAdmin: false }, "1")).toBe(false);
    expect(mayBindBranch({ branchId: "2", role: "secretary", isAdmin: false }, "1")).toBe(false);
    expect(mayBindBranch({ branchId: "2", role: "member", isAdmin: true }, "1")).toBe(true);
  });
});
