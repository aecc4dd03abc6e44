import { describe, expect, it } from "vitest";
import { formatDateCn, parseChineseDateTime, type TimeParse } from "../../src/domain/chinese-datetime.ts";

const TZ = "Asia/Shanghai";
// Sunday 22 November 2026, 10:00 in Beijing.
const NOW = new Date("2026-11-22T02:00:00Z");

function ok(text: string, now = NOW) {
  const r: TimeParse = parseChineseDateTime(text, now, TZ);
  if (!r.ok) throw new Error(`expected a time for “${text}”, got the question: ${r.question}`);
  return r;
}
function question(text: string, now = NOW) {
  const r = parseChineseDateTime(text, now, TZ);
  if (r.ok) throw new Error(`expected a question for “${text}”, got ${r.date} ${r.start}`);
  return r.question;
}

describe("parseChineseDateTime", () => {
  it.each([
    ["2026-12-03 15:00", "2026-12-03", "15:00"],
    ["2026/12/3 9:30", "2026-12-03", "09:30"],
    ["2026年12月3日 15:00", "2026-12-03", "15:00"],
    ["12月3日 15:00", "2026-12-03", "15:00"],
    ["12月3号下午3点", "2026-12-03", "15:00"],
    ["十二月三日 下午三点半", "2026-12-03", "15:30"],
    ["12-03 15:00", "2026-12-03", "15:00"],
    ["12/3 14：30", "2026-12-03", "14:30"],
    ["明天 9:30", "2026-11-23", "09:30"],
    ["明天上午9点", "2026-11-23", "09:00"],
    ["后天 晚上7点", "2026-11-24", "19:00"],
    ["今天 15:00", "2026-11-22", "15:00"],
    ["下周三下午3点", "2026-11-25", "15:00"],
    ["周三 15:00", "2026-11-25", "15:00"],
    ["星期五 10点", "2026-11-27", "10:00"],
    ["下下周一 上午10点一刻", "2026-11-30", "10:15"],
    ["下周一 9点20", "2026-11-23", "09:20"],
    ["明天下午三点二十分", "2026-11-23", "15:20"],
    ["中午12点", undefined, undefined],
  ])("%s", (text, date, start) => {
    if (date === undefined) {
      expect(question(text)).toContain("日期");
      return;
    }
    const r = ok(text);
    expect([r.date, r.start]).toEqual([date, start]);
  });

  it("converts to the right instant in the organ's time zone", () => {
    expect(ok("12月3日 15:00").startsAt.toISOString()).toBe("2026-12-03T07:00:00.000Z");
    expect(ok("明天 0:30").startsAt.toISOString()).toBe("2026-11-22T16:30:00.000Z");
  });

  it("reads ranges, inheriting the half of the day", () => {
    const r = ok("12月3日 下午3点到5点 三楼会议室");
    expect([r.start, r.end, r.rest]).toEqual(["15:00", "17:00", "三楼会议室"]);
    expect(r.endsAt?.toISOString()).toBe("2026-12-03T09:00:00.000Z");
    expect(ok("12-03 15:00-16:30").end).toBe("16:30");
    expect(question("12月3日 16:00-15:00")).toContain("不晚于开始时间");
  });

  it("keeps what is left over (the place)", () => {
    expect(ok("12月3日 15:00 三楼会议室").rest).toBe("三楼会议室");
    expect(ok("三楼会议室 明天 9:30").rest).toBe("三楼会议室");
  });

  it("asks rather than guesses an hour that could be morning or afternoon", () => {
    expect(question("明天 3点")).toContain("上午 3 点还是下午 3 点");
    expect(question("12月3日 2:30")).toContain("上午 2 点还是下午 2 点");
    expect(ok("明天 9点").start).toBe("09:00");
    expect(ok("明天 下午2点").start).toBe("14:00");
  });

  it("asks about past times instead of moving them", () => {
    expect(question("今天 9:00")).toContain("已经过去");
    expect(question("11月20日 15:00")).toContain("已经过去");
    expect(question("2025-12-03 15:00")).toContain("已经过去");
  });

  it("handles midnight edges", () => {
    const lateNight = new Date("2026-11-22T15:50:00Z"); // 23:50 Beijing
    expect(question("今天 23:30", lateNight)).toContain("已经过去");
    expect(ok("明天 0:10", lateNight).startsAt.toISOString()).toBe("2026-11-22T16:10:00.000Z");
    expect(question("今天 晚上12点", lateNight)).toContain("晚上12点");
    // Just after midnight "今天" is already the new day.
    const justAfter = new Date("2026-11-22T16:05:00Z"); // 00:05 on the 23rd
    expect(ok("今天 9:00", justAfter).date).toBe("2026-11-23");
  });

  it("handles month and year ends", () => {
    const endOfJan = new Date("2027-01-31T02:00:00Z");
    expect(ok("明天 9:00", endOfJan).date).toBe("2027-02-01");
    expect(question("2月29日 9:00", endOfJan)).toContain("2027 年没有 2 月 29 日");
    expect(ok("2月29日 9:00", new Date("2028-01-10T02:00:00Z")).date).toBe("2028-02-29");
    expect(ok("1月5日 9:00").date).toBe("2027-01-05");
    const newYearsEve = new Date("2026-12-31T02:00:00Z");
    expect(ok("后天 9:00", newYearsEve).date).toBe("2027-01-02");
    expect(ok("下周一 9:00", newYearsEve).date).toBe("2027-01-04");
    expect(question("2026-02-30 9:00")).toContain("不是有效日期");
    expect(question("13月3日 9:00")).toContain("不是有效日期");
  });

  it("asks for what is missing", () => {
    expect(question("三楼会议室")).toContain("日期和时间");
    expect(question("15:00")).toContain("日期");
    expect(question("明天")).toContain("开始时间");
  });

  it("formats a date the way a notice does", () => {
    expect(formatDateCn("2026-12-03")).toBe("12月3日（周四）");
  });
});
