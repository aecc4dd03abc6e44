import { describe, expect, it } from "vitest";
import { branchStatus, type StatusMeeting } from "../../src/domain/branch-status.ts";
import { DEFAULT_CADENCE } from "../../src/domain/cadence.ts";
import {
  complianceScore,
  liaisonUpdatesExpected,
  type StatusExtras,
  sortWorstFirst,
} from "../../src/domain/compliance-score.ts";

type StatusPart = Parameters<typeof complianceScore>[0];

function statusOf(
  cadence: { due: number; credited: number },
  ratePercent: number | null,
  belowQuorum = 0,
  term: "ok" | "expired" = "ok",
): StatusPart {
  return {
    cadence,
    year: { attendance: { ratePercent } },
    belowQuorum: Array.from({ length: belowQuorum }, () => ({})),
    term: { state: term },
  } as unknown as StatusPart;
}

const extras = (e: Partial<StatusExtras> = {}): StatusExtras => ({
  study: { pending: 0, overdue: 0, medianLagDays: 3 },
  liaison: { updatesReceived: 4, updatesExpected: 4, lastVisitOn: null },
  openProblems: 0,
  ...e,
});

describe("compliance score", () => {
  it("gives a branch that did everything on time nearly full marks", () => {
    expect(complianceScore(statusOf({ due: 10, credited: 10 }, 95), extras())).toEqual({
      score: 99,
      parts: { meetings: 40, attendance: 19, study: 20, liaison: 10, problems: 10, term: 0 },
    });
  });

  it("takes off for each shortfall by the documented weights", () => {
    const score = complianceScore(
      statusOf({ due: 12, credited: 6 }, 70, 2, "expired"),
      extras({
        study: { pending: 5, overdue: 2, medianLagDays: 18.5 },
        liaison: { updatesReceived: 1, updatesExpected: 4, lastVisitOn: null },
        openProblems: 3,
      }),
    );
    expect(score).toEqual({
      score: 36.5,
      parts: { meetings: 18, attendance: 14, study: 8, liaison: 2.5, problems: 4, term: -10 },
    });
  });

  it("does not punish what is not due yet, and floors at 0", () => {
    const fresh = extras({ liaison: { updatesReceived: 0, updatesExpected: 0, lastVisitOn: null } });
    expect(complianceScore(statusOf({ due: 0, credited: 0 }, null), fresh).score).toBe(100);
    const worst = complianceScore(
      statusOf({ due: 12, credited: 0 }, null, 0, "expired"),
      extras({
        study: { pending: 9, overdue: 5, medianLagDays: 40 },
        liaison: { updatesReceived: 0, updatesExpected: 6, lastVisitOn: null },
        openProblems: 6,
      }),
    );
    expect(worst).toEqual({
      score: 0,
      parts: { meetings: 0, attendance: 0, study: 0, liaison: 0, problems: 0, term: -10 },
    });
  });

  it("scores a real status: one quarter's meetings missed", () => {
    const m = (kind: StatusMeeting["kind"], heldOn: string): StatusMeeting => ({
      id: heldOn + kind,
      kind,
      partyGroupId: null,
      heldOn,
      closedOn: heldOn,
      state: "closed",
      expected: 10,
      present: 9,
    });
    const status = branchStatus({
      branch: {
        id: "b",
        name: "办公室党支部",
        createdOn: "2020-01-01",
        termYears: 3,
        electedOn: "2025-01-10",
        partyGroups: [],
      },
      meetings: [m("committee", "2026-01-08"), m("committee", "2026-02-08"), m("theme_day", "2026-01-20")],
      today: "2026-04-05",
      rules: DEFAULT_CADENCE,
    });
    // Due: 党员大会 Q1, 支部委员会 1–3月, 党课 Q1, 主题党日 1–3月 = 8; met: 2 + 1 = 3.
    expect(status.cadence).toEqual({ due: 8, credited: 3 });
    expect(complianceScore(status, extras()).score).toBe(15 + 18 + 20 + 10 + 10);
  });
});

describe("liaison updates expected", () => {
  it("counts months ended this year while a leader held the liaison, per leader", () => {
    expect(liaisonUpdatesExpected("2026-05-10", [{ from: "2025-03-01", to: null }])).toBe(4);
    expect(liaisonUpdatesExpected("2026-05-10", [{ from: "2026-02-15", to: null }])).toBe(3);
    expect(
      liaisonUpdatesExpected("2026-05-10", [
        { from: "2026-01-01", to: "2026-02-10" },
        { from: "2026-02-11", to: null },
      ]),
    ).toBe(4);
    expect(liaisonUpdatesExpected("2026-01-31", [{ from: "2025-01-01", to: null }])).toBe(0);
  });
});

describe("worst first", () => {
  it("orders by score, ties by name in pinyin order", () => {
    const rows = [
      { name: "办公室党支部", score: 80 },
      { name: "财务处党支部", score: 60.5 },
      { name: "人事处党支部", score: 80 },
      { name: "保卫处党支部", score: 60.5 },
      { name: "机关服务中心党支部", score: 12 },
    ];
    expect(sortWorstFirst(rows).map((r) => r.name)).toEqual([
      "机关服务中心党支部",
      "保卫处党支部",
      "财务处党支部",
      "办公室党支部",
      "人事处党支部",
    ]);
    expect(rows[0]?.name).toBe("办公室党支部");
  });
});
