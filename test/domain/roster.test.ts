import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type RosterProblem, validateRoster } from "../../src/domain/roster.ts";

const example = () => parse(readFileSync("examples/org.yaml", "utf8")) as Record<string, any>;

function problemsOf(doc: unknown): RosterProblem[] {
  const r = validateRoster(doc);
  if (r.ok) throw new Error("expected the roster to be refused");
  return r.problems;
}

describe("validateRoster", () => {
  it("accepts the shipped example organ", () => {
    const r = validateRoster(example());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.roster.branches.filter((b) => b.kind === "general_branch")).toHaveLength(2);
    expect(r.roster.branches.filter((b) => b.kind === "branch")).toHaveLength(6);
    expect(r.roster.members).toHaveLength(60);
    expect(r.roster.members.filter((m) => m.isLeader).length).toBeGreaterThanOrEqual(4);
    expect(r.roster.liaisons.length).toBeGreaterThanOrEqual(4);
    const secretary = r.roster.members.find((m) => m.code === "1001");
    expect(secretary).toMatchObject({ role: "secretary", branch: "bgs", group: "第一党小组" });
    expect(secretary?.feishu.openId).toMatch(/^ou_/);
  });

  it("reads the organisation's and a branch's cadence, and names the key of a bad one", () => {
    const doc = example();
    doc.organisation.cadence = { 党课: "每半年", theme_day: "off" };
    doc.branches[0].cadence = { party_group: "quarter" };
    const r = validateRoster(doc);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.roster.organisation.cadence).toEqual({
      party_lecture: { per: "half_year", times: 1 },
      theme_day: null,
    });
    expect(r.roster.branches[0]?.cadence).toEqual({ party_group: { per: "quarter", times: 1 } });
    expect(r.roster.branches[1]?.cadence).toEqual({});
    doc.organisation.cadence = { 党课: "每周" };
    doc.branches[2].cadence = { committee: { per: "month", times: 0 } };
    expect(problemsOf(doc).map((p) => [p.path.join("."), p.message])).toEqual([
      [
        "organisation.cadence.党课",
        "党课 的周期 “每周” 无效，应为 month（每月）、quarter（每季度）、half_year（每半年）、year（每年），或写作“每年 2 次”",
      ],
      ["branches.2.cadence.committee.times", "committee 的次数 “0” 无效，应为 1–12 的整数"],
    ]);
  });

  it("refuses a member of an unknown branch, naming the entry", () => {
    const doc = example();
    doc.members[3].branch = "nope";
    expect(problemsOf(doc)).toEqual([{ path: ["members", 3, "branch"], message: "未知支部 “nope”" }]);
  });

  it("refuses duplicate member and branch ids", () => {
    const doc = example();
    doc.members[5].id = doc.members[2].id;
    doc.branches[4].id = doc.branches[3].id;
    const problems = problemsOf(doc);
    expect(problems.map((p) => p.path.join("."))).toEqual(
      expect.arrayContaining(["members.5.id", "branches.4.id"]),
    );
    expect(problems.find((p) => p.path[0] === "members")?.message).toContain("重复");
  });

  it("refuses a leader whose liaison branch is their own branch", () => {
    const doc = example();
    const leader = doc.members.find((m: any) => m.id === doc.liaisons[0].leader);
    doc.liaisons[0].branch = leader.branch;
    const [problem] = problemsOf(doc);
    expect(problem?.path).toEqual(["liaisons", 0, "branch"]);
    expect(problem?.message).toContain("本人所在的支部");
  });

  it("refuses bad dates, including impossible ones", () => {
    for (const bad of ["2024-02-30", "2024/03/01", "昨天", "2023-13-01"]) {
      const doc = example();
      doc.branches[2].elected_on = bad;
      const [problem] = problemsOf(doc);
      expect(problem?.path).toEqual(["branches", 2, "elected_on"]);
      expect(problem?.message).toContain("YYYY-MM-DD");
    }
  });

  it("refuses liaisons to unknown branches, by non-leaders, and ending before they start", () => {
    const doc = example();
    doc.liaisons[0].branch = "ghost";
    doc.liaisons[1].leader = "1002";
    doc.liaisons[2].to = "2025-01-01";
    const paths = problemsOf(doc).map((p) => p.path.join("."));
    expect(paths).toEqual(["liaisons.0.branch", "liaisons.1.leader", "liaisons.2.to"]);
  });

  it("refuses unknown roles, unknown groups, duplicate platform ids and a parent that is not a 党总支", () => {
    const doc = example();
    doc.members[0].role = "主席";
    doc.members[1].group = "第九党小组";
    doc.members[2].feishu.open_id = doc.members[3].feishu.open_id;
    doc.branches[3].parent = "bgs";
    const paths = problemsOf(doc).map((p) => p.path.join("."));
    expect(paths).toEqual(["branches.3.parent", "members.0.role", "members.1.group", "members.3"]);
  });

  it("reports every problem of a run at once and rejects non-documents", () => {
    expect(problemsOf("just text")[0]?.message).toContain("键值对");
    expect(problemsOf({ branches: [] }).map((p) => p.path.join("."))).toEqual(["organisation"]);
  });

  it("accepts Chinese and English role names alike", () => {
    const doc = example();
    doc.members[0].role = "secretary";
    doc.members[1].role = "预备党员";
    const r = validateRoster(doc);
    expect(r.ok && r.roster.members.slice(0, 2).map((m) => m.role)).toEqual(["secretary", "probationary"]);
  });
});
