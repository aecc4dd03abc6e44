import { describe, expect, it } from "vitest";
import {
  addMonths,
  cardMonthOfReport,
  editableUntil,
  lastDayOfMonth,
  liaisonCycle,
  monthOf,
  nthWorkingDayOfMonth,
  nudgeDays,
  reportDeadline,
  reportMonthOfCard,
  timeLeftText,
  workingDaysLeft,
} from "../../src/domain/liaison-calendar.ts";
import { DEFAULT_LIAISON_SETTINGS, readLiaisonSettings } from "../../src/domain/liaison-settings.ts";
import { createWorkCalendar } from "../../src/domain/work-calendar.ts";
import { loadOfficialCalendar } from "../../src/lib/official-calendar.ts";

const tz = "Asia/Shanghai";
const calendar = createWorkCalendar(loadOfficialCalendar());
const settings = DEFAULT_LIAISON_SETTINGS;

describe("liaison settings from the environment", () => {
  it("defaults: 1st working day 09:00, previous month, nudges at 3 and 1, one 调研 from October, 30 days", () => {
    expect(readLiaisonSettings({})).toEqual({
      ok: true,
      settings: {
        cardWorkday: 1,
        cardTime: "09:00",
        reportMonth: "previous",
        nudgeWorkdays: [3, 1],
        researchPerYear: 1,
        researchReminderFromMonth: 10,
        problemOverdueDays: 30,
      },
    });
  });

  it("reads every variable, Chinese words and full-width forms included", () => {
    const read = readLiaisonSettings({
      LIAISON_CARD_WORKDAY: "2",
      LIAISON_CARD_TIME: "8：30",
      LIAISON_REPORT_MONTH: "本月",
      LIAISON_NUDGE_WORKDAYS: "1，5、3,3",
      LIAISON_RESEARCH_PER_YEAR: "2",
      LIAISON_RESEARCH_REMINDER_FROM_MONTH: "9",
      LIAISON_PROBLEM_OVERDUE_DAYS: "15",
    });
    expect(read).toEqual({
      ok: true,
      settings: {
        cardWorkday: 2,
        cardTime: "08:30",
        reportMonth: "current",
        nudgeWorkdays: [5, 3, 1],
        researchPerYear: 2,
        researchReminderFromMonth: 9,
        problemOverdueDays: 15,
      },
    });
    expect(readLiaisonSettings({ LIAISON_NUDGE_WORKDAYS: "off" })).toMatchObject({
      ok: true,
      settings: { nudgeWorkdays: [] },
    });
  });

  it("names each bad variable in Chinese, all at once", () => {
    expect(
      readLiaisonSettings({
        LIAISON_CARD_WORKDAY: "0",
        LIAISON_CARD_TIME: "9点",
        LIAISON_REPORT_MONTH: "next",
        LIAISON_NUDGE_WORKDAYS: "3,0",
        LIAISON_RESEARCH_PER_YEAR: "1.5",
        LIAISON_RESEARCH_REMINDER_FROM_MONTH: "13",
        LIAISON_PROBLEM_OVERDUE_DAYS: "",
      }),
    ).toEqual({
      ok: false,
      problems: [
        "LIAISON_CARD_WORKDAY: 应为 1–20 之间的整数（每月第几个工作日），例如 1（现为 “0”）",
        "LIAISON_CARD_TIME: 应为 HH:MM，例如 09:00（现为 “9点”）",
        "LIAISON_REPORT_MONTH: 应为 previous（上月，默认）或 current（本月）（现为 “next”）",
        "LIAISON_NUDGE_WORKDAYS: 应为逗号分隔的工作日数（1–20），例如 3,1；或 off 表示不催报（现为 “3,0”）",
        "LIAISON_RESEARCH_PER_YEAR: 应为 0–12 之间的整数（每个联系点每年调研次数，0 表示不要求）（现为 “1.5”）",
        "LIAISON_RESEARCH_REMINDER_FROM_MONTH: 应为 1–12 之间的整数（从几月起每月提醒）（现为 “13”）",
      ],
    });
  });
});

describe("month arithmetic", () => {
  it("moves across year ends and knows month lengths", () => {
    expect(monthOf("2026-10-31")).toBe("2026-10-01");
    expect(addMonths("2026-11-01", 2)).toBe("2027-01-01");
    expect(addMonths("2026-01-01", -1)).toBe("2025-12-01");
    expect(lastDayOfMonth("2028-02-01")).toBe("2028-02-29");
    expect(reportMonthOfCard("2026-01-01", "previous")).toBe("2025-12-01");
    expect(cardMonthOfReport("2026-12-01", "previous")).toBe("2027-01-01");
    expect(cardMonthOfReport("2026-12-01", "current")).toBe("2026-12-01");
  });
});

describe("the monthly cycle on the real 2026 calendar", () => {
  it("sends October's card on the first working day after 国庆 (10-01…10-07 off), at 09:00 Beijing", () => {
    expect(nthWorkingDayOfMonth(calendar, "2026-10-01", 1)).toBe("2026-10-08");
    // 10-10 is a 调休 Saturday: a working day, so the 3rd working day.
    expect(nthWorkingDayOfMonth(calendar, "2026-10-01", 3)).toBe("2026-10-10");
    const cycle = liaisonCycle("2026-09-01", calendar, settings, tz);
    expect(cycle.cardDay).toBe("2026-10-08");
    expect(cycle.cardAt.toISOString()).toBe("2026-10-08T01:00:00.000Z");
  });

  it("a deadline on a Saturday: nudges on the last working days before it, summary on Monday", () => {
    // September's report is due by 10-31, a Saturday.
    const cycle = liaisonCycle("2026-09-01", calendar, settings, tz);
    expect(cycle.deadline).toBe("2026-10-31");
    expect(cycle.nudges).toEqual({
      days: [
        { day: "2026-10-28", workdaysLeft: 3 },
        { day: "2026-10-30", workdaysLeft: 1 },
      ],
      unavailable: [],
    });
    expect(cycle.summaryDay).toBe("2026-11-02");
    expect(cycle.summaryAt.toISOString()).toBe("2026-11-02T01:00:00.000Z");
    expect(cycle.editableUntil).toBe("2026-11-01");
  });

  it("current-month mode: due at the month's end, summary after 元旦, editable until March", () => {
    const current = { ...settings, reportMonth: "current" as const };
    const cycle = liaisonCycle("2026-12-01", calendar, current, tz);
    expect(cycle.cardDay).toBe("2026-12-01");
    expect(cycle.deadline).toBe("2026-12-31");
    expect(cycle.nudges.days.map((n) => n.day)).toEqual(["2026-12-29", "2026-12-31"]);
    // 2027-01-01 is 元旦 (fixed-date until 2027's arrangement is known), 01-02/03 a weekend.
    expect(cycle.summaryDay).toBe("2027-01-04");
    expect(cycle.editableUntil).toBe("2027-02-01");
    expect(reportDeadline("2026-12-01", "previous")).toBe("2027-01-31");
    expect(editableUntil("2026-11-01")).toBe("2027-01-01");
  });

  it("a card late in the month leaves fewer working days than a nudge asks for: it is unavailable", () => {
    const offs = ["2026-12-29", "2026-12-30", "2026-12-31"].map((day) => ({ day, reason: "年终封闭" }));
    const local = createWorkCalendar(loadOfficialCalendar(), offs);
    // 20th working day of December 2026 is the 28th; after it, nothing is worked.
    expect(nthWorkingDayOfMonth(local, "2026-12-01", 20)).toBe("2026-12-28");
    expect(nudgeDays(local, "2026-12-28", "2026-12-31", [3, 1])).toEqual({ days: [], unavailable: [3, 1] });
    // Without the local days off: two working days after the card, so only the last-day nudge fits.
    expect(nudgeDays(calendar, "2026-12-29", "2026-12-31", [3, 1])).toEqual({
      days: [{ day: "2026-12-31", workdaysLeft: 1 }],
      unavailable: [3],
    });
  });

  it("a month with fewer working days than asked gives its last one; none gives the next month's first", () => {
    const offs = [];
    for (let d = 1; d <= 30; d++) offs.push({ day: `2026-11-${String(d).padStart(2, "0")}`, reason: "封闭" });
    const local = createWorkCalendar(loadOfficialCalendar(), offs);
    // February 2026 has 16 working days (春节 02-15…02-23; 调休 Saturdays 02-14 and 02-28).
    expect(nthWorkingDayOfMonth(calendar, "2026-02-01", 20)).toBe("2026-02-28");
    expect(nthWorkingDayOfMonth(local, "2026-11-01", 1)).toBe("2026-12-01");
  });

  it("tells a leader how much time is left, and when none is", () => {
    expect(workingDaysLeft(calendar, "2026-10-28", "2026-10-31")).toBe(3);
    expect(timeLeftText(calendar, "2026-10-28", "2026-10-31")).toBe(
      "请于 10月31日 前提交，还剩 3 个工作日（含今天）。",
    );
    expect(workingDaysLeft(calendar, "2026-10-31", "2026-10-31")).toBe(0);
    expect(timeLeftText(calendar, "2026-10-31", "2026-10-31")).toBe(
      "截止日期为 10月31日，此前已没有工作日，请尽快提交。",
    );
    expect(timeLeftText(calendar, "2026-11-01", "2026-10-31")).toBe(
      "已过截止日期（10月31日），现在提交将记为补报。",
    );
  });
});
