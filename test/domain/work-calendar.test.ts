import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../src/domain/backoff.ts";
import { applyWorkCalendar, type PlannedMessage } from "../../src/domain/reminders.ts";
import { zonedInstant } from "../../src/domain/time.ts";
import { createWorkCalendar } from "../../src/domain/work-calendar.ts";
import { loadOfficialCalendar } from "../../src/lib/official-calendar.ts";

const tz = "Asia/Shanghai";
const calendar = createWorkCalendar(loadOfficialCalendar(), [{ day: "2026-12-31", reason: "市里调休" }]);

describe("work calendar (official 2026 arrangement from chinese-days)", () => {
  it("knows the 国庆 week and its make-up working days", () => {
    for (let d = 1; d <= 7; d++) {
      const day = `2026-10-0${d}`;
      expect(calendar.describe(day)).toMatchObject({ working: false, label: "国庆节", official: true });
    }
    // 2026-09-20 is a Sunday and 2026-10-10 a Saturday, both worked (调休).
    expect(calendar.describe("2026-09-20")).toMatchObject({ working: true, label: "调休上班（国庆节）" });
    expect(calendar.describe("2026-10-10")).toMatchObject({ working: true, label: "调休上班（国庆节）" });
    expect(calendar.isWorkingDay("2026-10-08")).toBe(true);
    expect(calendar.isWorkingDay("2026-10-11")).toBe(false);
  });

  it("knows the 春节 make-up Saturday and ordinary weekends", () => {
    expect(calendar.describe("2026-02-14")).toMatchObject({ working: true, label: "调休上班（春节）" });
    expect(calendar.isWorkingDay("2026-02-18")).toBe(false);
    expect(calendar.describe("2026-11-21")).toMatchObject({ working: false, label: "周末" });
    expect(calendar.describe("2026-11-23")).toMatchObject({ working: true, label: "工作日" });
  });

  it("lets an admin add local days off, and flags years without official data", () => {
    expect(calendar.describe("2026-12-31")).toMatchObject({ working: false, label: "市里调休" });
    expect(calendar.nextWorkingDay("2026-12-31")).toBe("2027-01-04");
    expect(calendar.describe("2099-03-02").official).toBe(false);
    // Until next year's arrangement is published, the fixed-date statutory holidays still count.
    expect(calendar.describe("2027-10-01")).toMatchObject({
      working: false,
      label: "国庆节",
      official: false,
    });
  });

  it("finds the next working day across a holiday", () => {
    expect(calendar.nextWorkingDay("2026-10-01")).toBe("2026-10-08");
    expect(calendar.nextWorkingDay("2026-10-10")).toBe("2026-10-10");
    expect(calendar.nextWorkingDay("2026-02-15")).toBe("2026-02-24");
  });

  it("shifts a reminder due in the 国庆 week to 09:00 Beijing time on the first working day", () => {
    const due = zonedInstant("2026-10-03", "10:00", tz);
    const shift = calendar.shiftToWorkingDay(due, tz, "09:00");
    expect(shift.shifted).toBe(true);
    expect(shift.at.toISOString()).toBe("2026-10-08T01:00:00.000Z");
    expect(shift.reason).toBe("2026-10-03 国庆节");
  });

  it("keeps a reminder due on a make-up Saturday where it is", () => {
    const due = zonedInstant("2026-10-10", "10:00", tz);
    expect(calendar.shiftToWorkingDay(due, tz, "09:00")).toEqual({ at: due, shifted: false });
  });

  it("judges the day in the configured zone, not UTC", () => {
    // 2026-10-07T20:00Z is already 10-08 04:00 in Beijing: a working day there.
    expect(calendar.shiftToWorkingDay(new Date("2026-10-07T20:00:00Z"), tz, "09:00").shifted).toBe(false);
    // …but still 10-07 in UTC, a holiday.
    expect(
      calendar.shiftToWorkingDay(new Date("2026-10-07T20:00:00Z"), "UTC", "09:00").at.toISOString(),
    ).toBe("2026-10-08T09:00:00.000Z");
  });

  it("moves only workdays-only messages and keeps their keys", () => {
    const base: PlannedMessage = {
      idempotencyKey: "k",
      kind: "nudge",
      subject: "s",
      platform: "feishu",
      target: { type: "chat", id: "oc_1" },
      message: { kind: "text", text: "t" },
      dueAt: zonedInstant("2026-10-01", "09:00", tz),
      expiresAt: zonedInstant("2026-10-02", "09:00", tz),
    };
    const [timeCritical, nudge] = applyWorkCalendar(
      [base, { ...base, idempotencyKey: "k2", workdaysOnly: true }],
      {
        calendar,
        timeZone: tz,
        workdayTime: "09:00",
      },
    );
    expect(timeCritical).toBe(base);
    expect(nudge?.idempotencyKey).toBe("k2");
    expect(nudge?.dueAt.toISOString()).toBe("2026-10-08T01:00:00.000Z");
    expect(nudge?.expiresAt?.toISOString()).toBe("2026-10-09T01:00:00.000Z");
  });
});

describe("zonedInstant", () => {
  it("converts wall-clock times in zones with and without DST", () => {
    expect(zonedInstant("2026-10-08", "09:00", "Asia/Shanghai").toISOString()).toBe(
      "2026-10-08T01:00:00.000Z",
    );
    expect(zonedInstant("2026-07-01", "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-07-01T07:00:00.000Z",
    );
    expect(zonedInstant("2026-01-01", "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-01-01T08:00:00.000Z",
    );
  });
});

describe("backoff", () => {
  const policy = { baseMs: 1000, maxMs: 60_000, factor: 2 };
  it("grows exponentially and is capped", () => {
    expect(backoffDelayMs(1, () => 0, policy)).toBe(500);
    expect(backoffDelayMs(1, () => 0.999999, policy)).toBe(1000);
    expect(backoffDelayMs(4, () => 0, policy)).toBe(4000);
    expect(backoffDelayMs(30, () => 1, policy)).toBe(60_000);
  });
  it("spreads retries with the randomness passed in", () => {
    const delays = [0.1, 0.5, 0.9].map((r) => backoffDelayMs(3, () => r, policy));
    expect(new Set(delays).size).toBe(3);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(2000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(4000);
  });
});
