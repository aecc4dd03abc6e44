import { describe, expect, it } from "vitest";
import { dateTimeFormat } from "../../src/domain/date-format.ts";

describe("dateTimeFormat", () => {
  it("keeps one format per locale and options, and formats as a fresh one would", () => {
    const options = {
      timeZone: "Asia/Shanghai",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    } as const;
    const a = dateTimeFormat("zh-CN", options);
    expect(dateTimeFormat("zh-CN", { ...options })).toBe(a);
    expect(dateTimeFormat("zh-CN", { ...options, timeZone: "UTC" })).not.toBe(a);
    const instant = new Date("2026-12-03T07:05:00Z");
    expect(a.format(instant)).toBe(new Intl.DateTimeFormat("zh-CN", options).format(instant));
    expect(a.format(instant)).toBe("15:05");
  });
});
