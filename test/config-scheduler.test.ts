import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("scheduler configuration", () => {
  it("leaves the rates to each platform's limits, and reminds the day before at 16:00 and an hour before", () => {
    expect(loadConfig({}).scheduler).toEqual({
      appRatePerSecond: undefined,
      targetIntervalMs: undefined,
      maxAttempts: 8,
      leaseMs: 120_000,
      meetingLeadMinutes: [60],
      meetingDayBeforeAt: "16:00",
      workdayTime: "09:00",
    });
  });

  it("reads the variables", () => {
    const s = loadConfig({
      OUTBOX_APP_RATE: "20",
      OUTBOX_TARGET_INTERVAL_MS: "2000",
      OUTBOX_MAX_ATTEMPTS: "3",
      OUTBOX_LEASE_SECONDS: "30",
      REMINDER_LEAD_MINUTES: "60, 2880,0,60",
      REMINDER_DAY_BEFORE_AT: "off",
      WORKDAY_REMINDER_TIME: "8:30",
    }).scheduler;
    expect(s).toEqual({
      appRatePerSecond: 20,
      targetIntervalMs: 2000,
      maxAttempts: 3,
      leaseMs: 30_000,
      meetingLeadMinutes: [2880, 60, 0],
      meetingDayBeforeAt: undefined,
      workdayTime: "08:30",
    });
  });

  it.each([
    ["OUTBOX_APP_RATE", "0"],
    ["OUTBOX_APP_RATE", "fast"],
    ["OUTBOX_TARGET_INTERVAL_MS", "500"],
    ["OUTBOX_MAX_ATTEMPTS", "0"],
    ["OUTBOX_LEASE_SECONDS", "5"],
    ["REMINDER_LEAD_MINUTES", "1h"],
    ["WORKDAY_REMINDER_TIME", "25:00"],
    ["REMINDER_DAY_BEFORE_AT", "4pm"],
  ])("rejects %s=%s naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
