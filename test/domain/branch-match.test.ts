import { describe, expect, it } from "vitest";
import { abbreviations, didYouMean, matchBranch } from "../../src/domain/branch-match.ts";

const branches = [
  { id: "1", code: "bgs", name: "办公室党支部" },
  { id: "2", code: "zhgh", name: "综合规划处党支部" },
  { id: "3", code: "jjyx", name: "经济运行处党支部" },
  { id: "4", code: "zhbgs", name: "综合办公室党支部" },
  { id: "5", code: "zz1", name: "机关第一党总支" },
];

describe("matchBranch", () => {
  it("takes full names, codes and abbreviations", () => {
    expect(matchBranch("办公室党支部", branches)).toMatchObject({ kind: "one", branch: { id: "1" } });
    expect(matchBranch("ZHGH", branches)).toMatchObject({ kind: "one", branch: { id: "2" } });
    expect(matchBranch("综合规划处", branches)).toMatchObject({ kind: "one", branch: { id: "2" } });
    expect(matchBranch("综合规划", branches)).toMatchObject({ kind: "one", branch: { id: "2" } });
    expect(matchBranch("“经济运行处支部”", branches)).toMatchObject({ kind: "one", branch: { id: "3" } });
    expect(matchBranch("第一党总支", branches)).toMatchObject({ kind: "one", branch: { id: "5" } });
  });

  it("prefers the exact abbreviation over names containing it", () => {
    // 办公室 is 办公室党支部's own abbreviation, though 综合办公室党支部 contains it too.
    expect(matchBranch("办公室", branches)).toMatchObject({ kind: "one", branch: { id: "1" } });
  });

  it("finds characters in order, and asks when several fit", () => {
    expect(matchBranch("综规", branches)).toMatchObject({ kind: "one", branch: { id: "2" } });
    const m = matchBranch("综合", branches);
    expect(m.kind).toBe("ambiguous");
    if (m.kind === "ambiguous") {
      expect(m.candidates.map((b) => b.id)).toEqual(["2", "4"]);
      expect(didYouMean(m.candidates)).toBe(
        "你是不是要找：综合规划处党支部、综合办公室党支部？请写出完整名称。",
      );
    }
  });

  it("suggests the closest names when nothing fits", () => {
    const m = matchBranch("规划财务处", branches);
    expect(m.kind).toBe("none");
    if (m.kind === "none") expect(m.suggestions[0]?.id).toBe("2");
    expect(matchBranch("   ", branches)).toEqual({ kind: "none", suggestions: [] });
  });

  it("derives the abbreviations a branch answers to", () => {
    expect(abbreviations("综合规划处党支部")).toEqual(["综合规划处", "综合规划"]);
    expect(abbreviations("离退休干部党支部")).toEqual(["离退休干部"]);
  });
});
