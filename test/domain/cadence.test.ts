import { describe, expect, it } from "vitest";
import {
  cadenceDifferences,
  DEFAULT_CADENCE,
  describeRule,
  parseCadence,
  parseCadenceOverride,
  requiredIn,
  resolveCadence,
} from "../../src/domain/cadence.ts";
import {
  currentPeriodWord,
  monthsEnding,
  periodContaining,
  periodName,
  periodsWithin,
  phaseOf,
} from "../../src/domain/periods.ts";
import { formatRosterPath } from "../../src/domain/roster.ts";

describe("periods in local dates", () => {
  it("puts 31 March in the first quarter and 1 April in the second", () => {
    expect(periodContaining("2026-03-31", "quarter")).toEqual({
      unit: "quarter",
      start: "2026-01-01",
      end: "2026-03-31",
      key: "2026-Q1",
    });
    expect(periodContaining("2026-04-01", "quarter")).toEqual({
      unit: "quarter",
      start: "2026-04-01",
      end: "2026-06-30",
      key: "2026-Q2",
    });
  });

  it("ends the year on 31 December and starts the next on 1 January", () => {
    expect(periodContaining("2026-12-31", "year")).toMatchObject({ start: "2026-01-01", end: "2026-12-31" });
    expect(periodContaining("2027-01-01", "year")).toMatchObject({ start: "2027-01-01", key: "2027" });
    expect(periodContaining("2026-12-31", "half_year").key).toBe("2026-H2");
    expect(periodContaining("2027-01-01", "half_year").key).toBe("2027-H1");
    expect(periodContaining("2028-02-10", "month").end).toBe("2028-02-29");
  });

  it("splits a year into quarters and a quarter into months", () => {
    const year = periodContaining("2026-05-05", "year");
    expect(periodsWithin(year, "quarter").map((p) => p.key)).toEqual([
      "2026-Q1",
      "2026-Q2",
      "2026-Q3",
      "2026-Q4",
    ]);
    const q4 = periodContaining("2026-11-01", "quarter");
    expect(periodsWithin(q4, "month").map(periodName)).toEqual(["10月", "11月", "12月"]);
    expect(periodsWithin(q4, "year")).toEqual([]);
  });

  it("keeps a period current through its last day", () => {
    const q1 = periodContaining("2026-02-01", "quarter");
    expect(phaseOf(q1, "2026-03-31")).toBe("current");
    expect(phaseOf(q1, "2026-04-01")).toBe("past");
    expect(phaseOf(q1, "2025-12-31")).toBe("future");
  });

  it("names periods the way cards say them", () => {
    expect(periodName(periodContaining("2026-08-01", "quarter"))).toBe("第三季度");
    expect(periodName(periodContaining("2026-08-01", "half_year"))).toBe("下半年");
    expect(currentPeriodWord(periodContaining("2026-08-01", "half_year"))).toBe("下半年");
    expect(currentPeriodWord(periodContaining("2026-08-01", "quarter"))).toBe("本季度");
    expect(periodName(periodContaining("2026-08-01", "year"))).toBe("2026年");
  });

  it("lists the twelve months ending with today's across the year boundary", () => {
    const months = monthsEnding("2027-01-15", 12).map((p) => p.key);
    expect(months[0]).toBe("2026-02");
    expect(months[11]).toBe("2027-01");
    expect(months).toHaveLength(12);
  });
});

describe("required meetings, prorated from creation", () => {
  const monthly = { per: "month", times: 1 } as const;
  const yearly = { per: "year", times: 1 } as const;

  it("requires the full count when the body existed from the period's first day", () => {
    expect(requiredIn(monthly, periodContaining("2026-06-01", "month"), "2026-06-01")).toBe(1);
    expect(requiredIn(monthly, periodContaining("2026-06-01", "month"), "2020-01-01")).toBe(1);
  });

  it("rounds the share of days existed half up", () => {
    // 11 of 30 June days.
    expect(requiredIn(monthly, periodContaining("2026-06-01", "month"), "2026-06-20")).toBe(0);
    // 184 of 365 days of 2026.
    expect(requiredIn(yearly, periodContaining("2026-01-01", "year"), "2026-07-01")).toBe(1);
    // 182 of 365.
    expect(requiredIn(yearly, periodContaining("2026-01-01", "year"), "2026-07-03")).toBe(0);
    // Twice a year, 92 of 365 days: 0.504 → 1.
    expect(requiredIn({ per: "year", times: 2 }, periodContaining("2026-01-01", "year"), "2026-10-01")).toBe(
      1,
    );
  });

  it("requires nothing before the body exists", () => {
    expect(requiredIn(monthly, periodContaining("2026-05-01", "month"), "2026-06-01")).toBe(0);
  });
});

describe("cadence override from the roster", () => {
  it("keeps the defaults when nothing is configured", () => {
    expect(parseCadence(undefined)).toEqual({ ok: true, rules: DEFAULT_CADENCE });
    expect(describeRule(DEFAULT_CADENCE.general_assembly)).toBe("每季度至少 1 次");
    expect(describeRule(null)).toBe("不作要求");
  });

  it("accepts a period, a count, Chinese keys and values, and off", () => {
    const a = parseCadence({ party_lecture: "half_year", theme_day: "off" });
    expect(a.ok && a.rules.party_lecture).toEqual({ per: "half_year", times: 1 });
    expect(a.ok && a.rules.theme_day).toBeNull();
    expect(a.ok && a.rules.committee).toEqual({ per: "month", times: 1 });
    const b = parseCadence({ 党课: "每年 2 次" });
    expect(b.ok && b.rules.party_lecture).toEqual({ per: "year", times: 2 });
    const c = parseCadence({ party_lecture: { per: "year", times: 2 }, 组织生活会: { per: "每半年" } });
    expect(c.ok && c.rules.party_lecture).toEqual({ per: "year", times: 2 });
    expect(c.ok && c.rules.org_life).toEqual({ per: "half_year", times: 1 });
  });

  it("reports every bad entry, each naming its key", () => {
    const result = parseCadence({
      party_lectures: "year",
      leading_group: "month",
      party_lecture: "weekly",
      committee: { per: "month", times: 0 },
      theme_day: { every: "month" },
      org_life: { times: 1 },
      member_review: "每年两次",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map((p) => `${formatRosterPath(p.path)}: ${p.message}`);
    expect(lines).toEqual([
      "cadence.party_lectures: 未知的会议类型 “party_lectures”，可用：general_assembly（支部党员大会）、committee（支部委员会）、party_group（党小组会）、party_lecture（党课）、theme_day（主题党日）、org_life（组织生活会）、member_review（民主评议党员）",
      "cadence.leading_group: leading_group：党组会不是支部会议，不在此设置频次",
      "cadence.party_lecture: party_lecture 的周期 “weekly” 无效，应为 month（每月）、quarter（每季度）、half_year（每半年）、year（每年），或写作“每年 2 次”",
      "cadence.committee.times: committee 的次数 “0” 无效，应为 1–12 的整数",
      "cadence.theme_day.every: theme_day 中有未知的项 “every”，可用：per、times",
      "cadence.org_life.per: org_life 缺少 per（周期）",
      "cadence.member_review: member_review 的周期 “每年两次” 无效，应为 month（每月）、quarter（每季度）、half_year（每半年）、year（每年），或写作“每年 2 次”",
    ]);
  });

  it("refuses a kind set twice under its code and its label, and a non-map", () => {
    const twice = parseCadence({ party_lecture: "year", 党课: "quarter" });
    expect(twice).toEqual({
      ok: false,
      problems: [{ path: ["cadence", "党课"], message: "党课 与 party_lecture 是同一种会议，重复设置" }],
    });
    expect(parseCadence(["year"])).toEqual({
      ok: false,
      problems: [{ path: ["cadence"], message: "cadence 应为键值对，如 party_lecture: half_year" }],
    });
    const times = parseCadence({ party_lecture: { per: "year", times: "two" } });
    expect(times.ok ? [] : times.problems.map((p) => p.path)).toEqual([
      ["cadence", "party_lecture", "times"],
    ]);
  });
});

describe("cadence levels: default ← organisation ← 党总支 ← branch", () => {
  const read = (raw: unknown) => {
    const r = parseCadenceOverride(raw);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.override;
  };
  it("an override names only what it changes, in one order however it was written", () => {
    expect(read({ theme_day: "off", 党课: "每半年" })).toEqual({
      party_lecture: { per: "half_year", times: 1 },
      theme_day: null,
    });
    expect(Object.keys(read({ theme_day: "off", 党课: "每半年" }))).toEqual(["party_lecture", "theme_day"]);
    expect(read(undefined)).toEqual({});
    expect(parseCadenceOverride({ 党课: "weekly" }, ["branches", 2, "cadence"])).toMatchObject({
      ok: false,
      problems: [{ path: ["branches", 2, "cadence", "党课"] }],
    });
  });

  it("each level changes only the kinds it names; the nearest wins", () => {
    const org = read({ party_lecture: "half_year", theme_day: "off" });
    const general = read({ party_group: "quarter", party_lecture: "year" });
    const branch = read({ party_group: "month" });
    const rules = resolveCadence([org, general, branch]);
    expect(rules).toEqual({
      ...DEFAULT_CADENCE,
      party_lecture: { per: "year", times: 1 },
      theme_day: null,
      party_group: { per: "month", times: 1 },
    });
    expect(resolveCadence([org, null, undefined])).toEqual({
      ...DEFAULT_CADENCE,
      party_lecture: { per: "half_year", times: 1 },
      theme_day: null,
    });
    expect(resolveCadence([])).toBe(DEFAULT_CADENCE);
    expect(cadenceDifferences(rules)).toEqual(["党课 每年至少 1 次", "主题党日 不作要求"]);
    expect(cadenceDifferences(DEFAULT_CADENCE)).toEqual([]);
  });
});
