import { describe, expect, it } from "vitest";
import { branchStatus, type StatusMeeting } from "../../src/domain/branch-status.ts";
import { DEFAULT_CADENCE } from "../../src/domain/cadence.ts";
import { complianceScore, type StatusExtras } from "../../src/domain/compliance-score.ts";
import { attendanceLine, statusDigestLines, statusDigestText } from "../../src/domain/status-digest.ts";

let seq = 0;
const m = (
  kind: StatusMeeting["kind"],
  heldOn: string,
  extra: Partial<StatusMeeting> = {},
): StatusMeeting => ({
  id: `m${++seq}`,
  kind,
  partyGroupId: null,
  heldOn,
  closedOn: heldOn,
  state: "closed",
  expected: 12,
  present: 11,
  ...extra,
});

const branch = {
  id: "b1",
  name: "办公室党支部",
  createdOn: "2020-01-01",
  termYears: 3,
  electedOn: "2023-06-15",
  partyGroups: [
    { id: "g1", name: "第一党小组", createdOn: "2020-01-01" },
    { id: "g2", name: "第二党小组", createdOn: "2020-01-01" },
  ],
};

// A branch that started keeping its ledger in the bot in April.
const meetings = [
  m("committee", "2026-04-08", { expected: 5, present: 5 }),
  m("committee", "2026-05-08", { expected: 5, present: 4 }),
  m("general_assembly", "2026-04-20", { present: 6 }),
  m("theme_day", "2026-04-28", { present: 10 }),
  m("party_group", "2026-04-15", { partyGroupId: "g1", expected: 6, present: 6 }),
  m("party_group", "2026-05-12", { partyGroupId: "g1", expected: 6, present: 5 }),
  m("party_group", "2026-04-16", { partyGroupId: "g2", expected: 6, present: 3 }),
  m("party_lecture", "2026-05-20", { present: 12 }),
];

const extras: StatusExtras = {
  study: { pending: 2, overdue: 1, medianLagDays: 5 },
  liaison: { updatesReceived: 3, updatesExpected: 4, lastVisitOn: "2026-04-18" },
  openProblems: 1,
};

describe("status digest text", () => {
  it("renders the card's lines: 本月 / 本季度 / 本年, then 第一议题, 联系点 and 换届", () => {
    const status = branchStatus({ branch, meetings, today: "2026-05-25", rules: DEFAULT_CADENCE });
    const score = complianceScore(status, extras);
    expect(statusDigestText(status, extras, score)).toBe(
      [
        "办公室党支部 支部情况（截至 2026年5月25日）",
        "综合得分：59.9",
        "【本月（5月）】",
        "✔ 支部委员会 1/1",
        "✔ 第一党小组 党小组会 1/1",
        "⚠️ 第二党小组 党小组会 0/1——第二党小组本月尚未召开党小组会",
        "⚠️ 主题党日 0/1——本月尚未开展主题党日",
        "出勤率：91.3%（3 次会议，实到 21 / 应到 23 人次）",
        "【本季度（第二季度）】",
        "✔ 支部党员大会 1/1（1 次出席未过半数）",
        "⚠️ 支部委员会 2/3",
        "⚠️ 第一党小组 党小组会 2/3",
        "⚠️ 第二党小组 党小组会 1/3（1 次出席未过半数）",
        "✔ 党课 1/1",
        "⚠️ 主题党日 1/3",
        "出勤率：79.7%（8 次会议，实到 51 / 应到 64 人次）",
        "【本年（2026年）】",
        "✗ 支部党员大会 1/4（1 次出席未过半数）——第一季度未召开支部党员大会",
        "✗ 支部委员会 2/12——1月、2月、3月未召开支部委员会",
        "✗ 第一党小组 党小组会 2/12——第一党小组1月、2月、3月未召开党小组会",
        "✗ 第二党小组 党小组会 1/12（1 次出席未过半数）——第二党小组1月、2月、3月未召开党小组会",
        "✗ 党课 1/4——第一季度未开展党课",
        "✗ 主题党日 1/12——1月、2月、3月未开展主题党日",
        "⚠️ 组织生活会 0/1——本年尚未召开组织生活会",
        "⚠️ 民主评议党员 0/1——本年尚未开展民主评议党员",
        "出勤率：79.7%（8 次会议，实到 51 / 应到 64 人次）",
        "出席未过半数：2026-04-16 第二党小组 党小组会实到 3 人，未超过应到 6 人的半数",
        "出席未过半数：2026-04-20 支部党员大会实到 6 人，未超过应到 12 人的半数",
        "第一议题：待学 2 项，其中逾期 1 项；本年从发表到学习中位 5 天",
        "联系点：本年收到工作情况 3 份（应 4 份）；最近一次到支部 2026-04-18；未解决问题 1 个",
        "换届：支部委员会任期将于 2026-06-15 届满（还有 21 天），请及时做好换届准备",
      ].join("\n"),
    );
    // Score parts: 三会一课 40 × 8/22 − 2 below quorum, 出勤 79.7% of 20, 第一议题 20 − 4, 联系点 3/4 of 10, 问题 10 − 2.
    expect(score.parts).toEqual({
      meetings: 12.5,
      attendance: 15.9,
      study: 16,
      liaison: 7.5,
      problems: 8,
      term: 0,
    });
  });

  it("works without the other features' figures, for a branch just set up", () => {
    const fresh = { ...branch, createdOn: "2026-05-20", partyGroups: [], electedOn: null };
    const lines = statusDigestLines(
      branchStatus({ branch: fresh, meetings: [], today: "2026-05-25", rules: DEFAULT_CADENCE }),
    );
    expect(lines.slice(0, 5)).toEqual([
      "办公室党支部 支部情况（截至 2026年5月25日）",
      "【本月（5月）】",
      "— 支部委员会 本期不作要求",
      "— 主题党日 本期不作要求",
      "出勤率：暂无（未召开会议）",
    ]);
    expect(lines.at(-1)).toBe("换届：未登记本届支部委员会的选举日期（名册 elected_on），无法提示换届时间");
  });

  it("always shows one decimal", () => {
    expect(attendanceLine({ meetings: 1, present: 4, expected: 5, ratePercent: 80 })).toBe(
      "出勤率：80.0%（1 次会议，实到 4 / 应到 5 人次）",
    );
  });
});
