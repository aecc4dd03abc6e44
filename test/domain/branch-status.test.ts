import { describe, expect, it } from "vitest";
import {
  type BranchStatus,
  branchStatus,
  hasQuorum,
  type StatusBranch,
  type StatusMeeting,
  statusDataFrom,
  type WindowStatus,
} from "../../src/domain/branch-status.ts";
import { type CadenceRules, DEFAULT_CADENCE } from "../../src/domain/cadence.ts";

let seq = 0;
function meeting(
  kind: StatusMeeting["kind"],
  heldOn: string,
  extra: Partial<StatusMeeting> = {},
): StatusMeeting {
  seq++;
  return {
    id: `m${seq}`,
    kind,
    partyGroupId: null,
    heldOn,
    closedOn: heldOn,
    state: "closed",
    expected: 10,
    present: 8,
    ...extra,
  };
}

const BRANCH: StatusBranch = {
  id: "b1",
  name: "办公室党支部",
  createdOn: "2020-01-01",
  termYears: 3,
  electedOn: "2025-01-10",
  partyGroups: [],
};

function status(
  today: string,
  meetings: StatusMeeting[],
  branch: Partial<StatusBranch> = {},
  rules: CadenceRules = DEFAULT_CADENCE,
): BranchStatus {
  return branchStatus({ branch: { ...BRANCH, ...branch }, meetings, today, rules });
}

/** held / required / mark / next of one line, by its label. */
function line(w: WindowStatus, label: string) {
  const k = w.kinds.find((x) => x.label === label);
  if (!k) throw new Error(`no line ${label} in ${w.title}`);
  return [k.held, k.required, k.mark, k.next];
}

const ONLY = (kinds: Partial<CadenceRules>): CadenceRules => ({
  general_assembly: null,
  committee: null,
  party_group: null,
  party_lecture: null,
  theme_day: null,
  org_life: null,
  member_review: null,
  ...kinds,
});

describe("quarter boundary: 31 March vs 1 April", () => {
  it("on 31 March a quarter without 党员大会 is still in progress", () => {
    const open = meeting("general_assembly", "2026-03-31", { state: "open", closedOn: null });
    const s = status("2026-03-31", [open]);
    expect(s.quarter.title).toBe("本季度（第一季度）");
    expect(line(s.quarter, "支部党员大会")).toEqual([0, 1, "in_progress", "本季度尚未召开支部党员大会"]);
  });

  it("on 1 April the first quarter is over: missed, and the second one starts", () => {
    const s = status("2026-04-01", []);
    expect(s.quarter.title).toBe("本季度（第二季度）");
    expect(line(s.quarter, "支部党员大会")).toEqual([0, 1, "in_progress", "本季度尚未召开支部党员大会"]);
    expect(line(s.year, "支部党员大会")).toEqual([0, 4, "missed", "第一季度未召开支部党员大会"]);
  });

  it("a meeting held on 31 March and closed on 1 April counts for the first quarter", () => {
    const late = meeting("general_assembly", "2026-03-31", { closedOn: "2026-04-01" });
    const s = status("2026-04-01", [late]);
    expect(line(s.year, "支部党员大会")).toEqual([1, 4, "in_progress", undefined]);
    expect(line(s.quarter, "支部党员大会")).toEqual([0, 1, "in_progress", "本季度尚未召开支部党员大会"]);
  });
});

describe("year boundary: 31 December vs 1 January", () => {
  const monthly = Array.from({ length: 12 }, (_, i) =>
    meeting("committee", `2026-${String(i + 1).padStart(2, "0")}-10`),
  );

  it("a full year of 支部委员会 is met on 31 December", () => {
    const s = status("2026-12-31", monthly, {}, ONLY({ committee: { per: "month", times: 1 } }));
    expect(line(s.month, "支部委员会")).toEqual([1, 1, "met", undefined]);
    expect(line(s.year, "支部委员会")).toEqual([12, 12, "met", undefined]);
    expect(s.cadence).toEqual({ due: 12, credited: 12 });
    expect(s.nextSteps).toEqual([]);
  });

  it("on 1 January the new year starts empty and in progress", () => {
    const s = status("2027-01-01", monthly, {}, ONLY({ committee: { per: "month", times: 1 } }));
    expect(s.year.title).toBe("本年（2027年）");
    expect(line(s.month, "支部委员会")).toEqual([0, 1, "in_progress", "本月尚未召开支部委员会"]);
    expect(line(s.year, "支部委员会")).toEqual([0, 12, "in_progress", undefined]);
    expect(s.cadence).toEqual({ due: 0, credited: 0 });
    expect(s.trend.map((p) => p.month)).toEqual([
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
      "2026-11",
      "2026-12",
      "2027-01",
    ]);
    expect(s.trend[10]).toEqual({ month: "2026-12", label: "12月", meetings: 1, ratePercent: 80 });
    expect(s.trend[11]).toEqual({ month: "2027-01", label: "1月", meetings: 0, ratePercent: null });
  });

  it("yearly kinds are told in the year section only", () => {
    const s = status("2026-12-31", []);
    expect(s.month.kinds.map((k) => k.kind)).toEqual(["committee", "theme_day"]);
    expect(s.quarter.kinds.map((k) => k.kind)).toEqual([
      "general_assembly",
      "committee",
      "party_lecture",
      "theme_day",
    ]);
    expect(line(s.year, "组织生活会")).toEqual([0, 1, "in_progress", "本年尚未召开组织生活会"]);
    expect(line(s.year, "民主评议党员")).toEqual([0, 1, "in_progress", "本年尚未开展民主评议党员"]);
  });
});

describe("last month's digest, sent in the new month", () => {
  it("judges the periods shown as over: ✗ instead of ⚠️, plain period names", () => {
    const meetings = [
      ...Array.from({ length: 11 }, (_, i) =>
        meeting("committee", `2026-${String(i + 1).padStart(2, "0")}-10`),
      ),
      meeting("committee", "2027-01-02"),
    ];
    const s = branchStatus({
      branch: BRANCH,
      meetings,
      today: "2027-01-04",
      periodOf: "2026-12-31",
      rules: ONLY({ committee: { per: "month", times: 1 } }),
    });
    expect([s.month.title, s.quarter.title, s.year.title]).toEqual(["12月", "第四季度", "2026年"]);
    expect(line(s.month, "支部委员会")).toEqual([0, 1, "missed", "12月未召开支部委员会"]);
    expect(line(s.year, "支部委员会")).toEqual([11, 12, "missed", "12月未召开支部委员会"]);
    expect(s.nextSteps).toEqual(["12月未召开支部委员会"]);
    expect(s.cadence).toEqual({ due: 12, credited: 11 });
    expect(s.trend.at(-1)).toEqual({ month: "2026-12", label: "12月", meetings: 0, ratePercent: null });
  });
});

describe("党小组会 judged per 党小组", () => {
  const groups = [
    { id: "g1", name: "第一党小组", createdOn: "2020-01-01" },
    { id: "g2", name: "第二党小组", createdOn: "2020-01-01" },
  ];

  it("one line per 党小组; a 党小组会 without a group counts for none but is in the attendance", () => {
    const s = status(
      "2026-05-25",
      [meeting("party_group", "2026-05-20", { partyGroupId: "g1" }), meeting("party_group", "2026-05-21")],
      { partyGroups: groups },
    );
    expect(line(s.month, "第一党小组 党小组会")).toEqual([1, 1, "met", undefined]);
    expect(line(s.month, "第二党小组 党小组会")).toEqual([
      0,
      1,
      "in_progress",
      "第二党小组本月尚未召开党小组会",
    ]);
    expect(s.month.attendance).toEqual({ meetings: 2, present: 16, expected: 20, ratePercent: 80 });
  });

  it("a 党小组 set up mid-quarter owes only the months it existed for (a part month rounded)", () => {
    const late = [groups[0]!, { ...groups[1]!, createdOn: "2026-05-10" }];
    const meetings = [
      meeting("party_group", "2026-04-15", { partyGroupId: "g1" }),
      meeting("party_group", "2026-05-15", { partyGroupId: "g1" }),
      meeting("party_group", "2026-06-10", { partyGroupId: "g1" }),
      meeting("party_group", "2026-06-05", { partyGroupId: "g2" }),
    ];
    const s = status("2026-06-15", meetings, { partyGroups: late });
    expect(line(s.quarter, "第一党小组 党小组会")).toEqual([3, 3, "met", undefined]);
    // April: none; May: 22 of 31 days → 1; June: 1.
    expect(line(s.quarter, "第二党小组 党小组会")).toEqual([1, 2, "missed", "第二党小组5月未召开党小组会"]);
    expect(line(s.month, "第二党小组 党小组会")).toEqual([1, 1, "met", undefined]);
    // Set up on 20 May (12 of 31 days): May is not required.
    const later = [groups[0]!, { ...groups[1]!, createdOn: "2026-05-20" }];
    const t = status("2026-06-15", meetings, { partyGroups: later });
    expect(line(t.quarter, "第二党小组 党小组会")).toEqual([1, 1, "met", undefined]);
  });
});

describe("quorum", () => {
  it("needs more than half: exactly half is not enough", () => {
    expect(hasQuorum(5, 10)).toBe(false);
    expect(hasQuorum(6, 10)).toBe(true);
    expect(hasQuorum(3, 5)).toBe(true);
    expect(hasQuorum(0, 0)).toBe(false);
  });

  it("a meeting at exactly half counts for its period but is flagged", () => {
    const half = meeting("general_assembly", "2026-02-10", { present: 5, expected: 10 });
    const more = meeting("general_assembly", "2026-05-12", { present: 6, expected: 10 });
    const s = status("2026-05-25", [half, more]);
    expect(line(s.year, "支部党员大会")).toEqual([2, 4, "in_progress", undefined]);
    expect(s.year.kinds.find((k) => k.kind === "general_assembly")?.belowQuorum).toBe(1);
    expect(s.quarter.kinds.find((k) => k.kind === "general_assembly")?.belowQuorum).toBe(0);
    expect(s.belowQuorum).toEqual([
      {
        meetingId: half.id,
        kind: "general_assembly",
        heldOn: "2026-02-10",
        present: 5,
        expected: 10,
        message: "2026-02-10 支部党员大会实到 5 人，未超过应到 10 人的半数",
      },
    ]);
  });
});

describe("a branch set up mid-year", () => {
  const meetings = [
    meeting("committee", "2026-07-08"),
    meeting("committee", "2026-08-12"),
    meeting("committee", "2026-09-03"),
    meeting("general_assembly", "2026-08-20"),
  ];

  it("owes the year's requirements from its creation on", () => {
    const s = status("2026-09-15", meetings, { createdOn: "2026-07-01" });
    expect(line(s.year, "支部党员大会")).toEqual([1, 2, "in_progress", undefined]);
    expect(line(s.year, "支部委员会")).toEqual([3, 6, "in_progress", undefined]);
    expect(line(s.year, "党课")).toEqual([0, 2, "in_progress", undefined]);
    expect(line(s.quarter, "党课")).toEqual([0, 1, "in_progress", "本季度尚未开展党课"]);
    expect(line(s.year, "主题党日")).toEqual([0, 6, "missed", "7月、8月未开展主题党日"]);
    // 1 July: 184 of 365 days, so the year's 组织生活会 is still owed.
    expect(line(s.year, "组织生活会")).toEqual([0, 1, "in_progress", "本年尚未召开组织生活会"]);
    // Due: 党员大会 1 (held), 支部委员会 7–9月 3 (held), 主题党日 7–8月 2 (missed); current ones unmet are not due yet.
    expect(s.cadence).toEqual({ due: 6, credited: 4 });
  });

  it("does not owe the month it was set up in when that was less than half of it", () => {
    const s = status("2026-09-15", meetings.slice(1), { createdOn: "2026-07-20" });
    expect(line(s.year, "支部委员会")).toEqual([2, 5, "in_progress", undefined]);
    expect(line(s.quarter, "支部委员会")).toEqual([2, 2, "met", undefined]);
  });
});

describe("what counts as held", () => {
  it("only closed meetings with someone present, up to today", () => {
    const s = status(
      "2026-05-25",
      [
        meeting("committee", "2026-05-05", { state: "scheduled", closedOn: null }),
        meeting("committee", "2026-05-06", { state: "open", closedOn: null }),
        meeting("committee", "2026-05-07", { state: "cancelled", closedOn: null }),
        meeting("committee", "2026-05-08", { present: 0 }),
      ],
      {},
      ONLY({ committee: { per: "month", times: 1 } }),
    );
    expect(line(s.month, "支部委员会")).toEqual([0, 1, "in_progress", "本月尚未召开支部委员会"]);
    expect(s.month.attendance).toEqual({ meetings: 0, present: 0, expected: 0, ratePercent: null });
  });

  it("leaves a kind the organisation switched off out of the lines but not out of attendance", () => {
    const s = status(
      "2026-05-25",
      [
        meeting("theme_day", "2026-05-09", { present: 2, expected: 3 }),
        // Organ meetings are not the branch's, should one slip in.
        meeting("leading_group", "2026-05-10", { present: 1, expected: 9 }),
      ],
      {},
      {
        ...DEFAULT_CADENCE,
        theme_day: null,
      },
    );
    expect(s.month.kinds.map((k) => k.kind)).toEqual(["committee"]);
    expect(s.month.attendance.ratePercent).toBe(66.7);
  });
});

describe("next steps", () => {
  it("lists current gaps first, then earlier ones, then 换届, each once", () => {
    const rules = ONLY({ committee: { per: "month", times: 1 }, party_lecture: { per: "year", times: 2 } });
    const s = status(
      "2026-04-10",
      [meeting("committee", "2026-02-10"), meeting("party_lecture", "2026-03-01")],
      { electedOn: "2023-06-15" },
      rules,
    );
    expect(s.nextSteps).toEqual([
      "本月尚未召开支部委员会",
      "本年党课已开展 1 次，还需 1 次",
      "1月、3月未召开支部委员会",
      "支部委员会任期将于 2026-06-15 届满（还有 66 天），请及时做好换届准备",
    ]);
    expect(line(s.year, "党课")).toEqual([1, 2, "in_progress", "本年党课已开展 1 次，还需 1 次"]);
    expect(line(s.quarter, "支部委员会")).toEqual([0, 3, "in_progress", undefined]);
  });

  it("reads meetings from the first month of the 12-month trend", () => {
    expect(statusDataFrom("2026-05-25")).toBe("2025-06-01");
    expect(statusDataFrom("2026-12-31")).toBe("2026-01-01");
  });
});
