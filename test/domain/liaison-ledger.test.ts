import { describe, expect, it } from "vitest";
import {
  type LedgerReport,
  LIAISON_PROBLEM_HEADERS,
  LIAISON_REPORT_HEADERS,
  liaisonProblemRows,
  liaisonReportRows,
} from "../../src/domain/liaison-ledger.ts";

const report: LedgerReport = {
  month: "2026-09-01",
  leaderName: "曹芳",
  branchName: "价格管理处党支部",
  filedOn: "2026-10-31",
  contacts: [
    { method: "org_life", day: "2026-09-10" },
    { method: "research", day: "2026-09-10" },
    { method: "remote", day: "2026-09-20" },
    { method: "other", day: "2026-09-25" },
  ],
  otherMethod: "书面调阅台账",
  learned: "情况良好",
  guidance: "",
  noContactReason: null,
  problems: 1,
  editedOn: null,
};

describe("联系点 ledger rows", () => {
  it("one row per report: on time by the deadline of the mode, visits counted by distinct in-person days", () => {
    const [head, row] = liaisonReportRows([report], "previous");
    expect(head).toEqual(LIAISON_REPORT_HEADERS);
    expect(row).toEqual([
      "2026年9月",
      "曹芳",
      "价格管理处党支部",
      "2026-10-31",
      "按时",
      "参加组织生活 9月10日；调研 9月10日；电话或线上了解 9月20日；其他（书面调阅台账） 9月25日",
      1,
      "2026-09-10",
      "情况良好",
      null,
      null,
      1,
      null,
    ]);
    // The same filing with the card asking about the month it is sent in is late.
    expect(liaisonReportRows([report], "current")[1]?.[4]).toBe("补报");
  });

  it("a month without contact says so and counts no visit", () => {
    const row = liaisonReportRows(
      [{ ...report, contacts: [], otherMethod: null, noContactReason: "外出学习" }],
      "previous",
    )[1];
    expect(row?.slice(5, 8)).toEqual(["本月未能联系", 0, null]);
    expect(row?.[10]).toBe("外出学习");
  });

  it("one row per problem with days to resolve and its history", () => {
    const rows = liaisonProblemRows([
      {
        raisedOn: "2026-10-09",
        branchName: "价格管理处党支部",
        leaderName: "曹芳",
        month: "2026-09-01",
        description: "台账不全",
        ownerLabel: "价格管理处党支部",
        ownerName: "孟梦琪",
        status: "resolved",
        resolution: "已补齐",
        resolvedOn: "2026-10-20",
        coordinationNeed: null,
        history: [
          { note: "2026-10-10 处理中", by: "孟梦琪" },
          { note: "2026-10-20 已解决：已补齐", by: "孟梦琪" },
        ],
      },
    ]);
    expect(rows[0]).toEqual(LIAISON_PROBLEM_HEADERS);
    expect(rows[1]?.slice(7)).toEqual([
      "已解决",
      "已补齐",
      "2026-10-20",
      11,
      null,
      "2026-10-10 处理中（孟梦琪）\n2026-10-20 已解决：已补齐（孟梦琪）",
    ]);
  });
});
