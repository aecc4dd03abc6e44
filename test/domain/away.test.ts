import { describe, expect, it } from "vitest";
import {
  type AwayCommand,
  awayNotAnswered,
  chooseCancel,
  formatRange,
  onLeave,
  overlapping,
  parseAwayArgs,
  presentOn,
  readRange,
  resolveRange,
} from "../../src/domain/away.ts";

/** Parses and resolves a range typed on `today`: [from, to] or the refusal. */
function days(text: string, today: string): [string, string] | string {
  const read = readRange(text);
  if (!read) return "unread";
  const r = resolveRange(read.range, today);
  return r.ok ? [r.from, r.to] : r.message;
}

const command = (text: string): AwayCommand => {
  const p = parseAwayArgs(text);
  if (!p.ok) throw new Error(p.hint);
  return p.command;
};

describe("外出 dates", () => {
  const today = "2026-11-20";
  it.each([
    ["12月3日至12月10日", ["2026-12-03", "2026-12-10"]],
    ["12月3日到12月10日", ["2026-12-03", "2026-12-10"]],
    ["12月3日-12月10日", ["2026-12-03", "2026-12-10"]],
    ["12月3日 至 12月10日", ["2026-12-03", "2026-12-10"]],
    ["12月3号~12月10号", ["2026-12-03", "2026-12-10"]],
    ["12月3日至10日", ["2026-12-03", "2026-12-10"]],
    ["12-03", ["2026-12-03", "2026-12-03"]],
    ["12-03至12-10", ["2026-12-03", "2026-12-10"]],
    ["12-03-12-10", ["2026-12-03", "2026-12-10"]],
    ["12/3 - 12/10", ["2026-12-03", "2026-12-10"]],
    ["2026-12-03", ["2026-12-03", "2026-12-03"]],
    ["2026-12-03至2026-12-10", ["2026-12-03", "2026-12-10"]],
    ["2026年12月3日至2026年12月10日", ["2026-12-03", "2026-12-10"]],
    ["12月3日", ["2026-12-03", "2026-12-03"]],
    ["今天", ["2026-11-20", "2026-11-20"]],
    ["明天至11月25日", ["2026-11-21", "2026-11-25"]],
    ["后天", ["2026-11-22", "2026-11-22"]],
    // A day alone before the start's day is next month's; a month-day before the start is next year's.
    ["11月28日至3日", ["2026-11-28", "2026-12-03"]],
    ["12月28日至1月3日", ["2026-12-28", "2027-01-03"]],
    // Recorded afterwards, so the summary says 外出 rather than 未报.
    ["11月2日至11月6日", ["2026-11-02", "2026-11-06"]],
  ])("%s", (text, expected) => {
    expect(days(text, today)).toEqual(expected);
  });

  it("a date without a year is the one nearest today, across the new year either way", () => {
    expect(days("1月5日至1月9日", "2026-12-20")).toEqual(["2027-01-05", "2027-01-09"]);
    expect(days("12月28日至1月3日", "2027-01-02")).toEqual(["2026-12-28", "2027-01-03"]);
    expect(days("12月30日至2日", "2026-12-29")).toEqual(["2026-12-30", "2027-01-02"]);
    expect(days("2月29日", "2027-11-20")).toEqual(["2028-02-29", "2028-02-29"]);
  });

  it("bad dates get a clear answer", () => {
    expect(days("2月30日", today)).toBe("日期“2月30日”不存在，请检查。");
    expect(days("13-01", today)).toBe("日期“13-01”不存在，请检查。");
    expect(days("11月28日至31日", today)).toBe("日期“31日”不存在，请检查。");
    expect(days("2026-12-10至2026-12-03", today)).toBe("结束日期 12月3日 早于开始日期 12月10日，请检查。");
    expect(days("2026-01-01至2026-03-01", today)).toBe("1月1日至3月1日已过去三个月以上，无需登记。");
    expect(days("2028-01-01", today)).toBe("只能登记一年以内的外出。");
    expect(days("2026-12-01至2027-12-31", today)).toBe("一次外出最长登记 366 天，请分段登记。");
    expect(days("明天至后天", today)).toBe("结束日期请写具体日期，如 12月10日。");
    expect(readRange("12-031")).toBeUndefined();
    expect(readRange("出差")).toBeUndefined();
  });

  it("ranges read the way people write them", () => {
    expect(formatRange("2026-12-03", "2026-12-10", "2026-11-20")).toBe("12月3日至12月10日");
    expect(formatRange("2026-12-03", "2026-12-03", "2026-11-20")).toBe("12月3日");
    expect(formatRange("2026-12-28", "2027-01-03", "2026-11-20")).toBe("2026年12月28日至2027年1月3日");
    expect(formatRange("2027-02-01", "2027-02-03", "2026-11-20")).toBe("2027年2月1日至2027年2月3日");
  });
});

describe("外出 command", () => {
  it("lists, records and cancels, for oneself or someone named", () => {
    expect(command("")).toEqual({ type: "list", name: undefined });
    expect(command("张三")).toEqual({ type: "list", name: "张三" });
    expect(command("12月3日至12月10日 出差")).toMatchObject({
      type: "record",
      name: undefined,
      reason: "出差",
      range: { start: { month: 12, day: 3 }, end: { month: 12, day: 10 } },
    });
    expect(command("12月3日至12月10日出差")).toMatchObject({ type: "record", reason: "出差" });
    expect(command("明天 病假")).toMatchObject({ type: "record", reason: "病假", range: { end: undefined } });
    expect(command("12-03")).toMatchObject({ type: "record", reason: "外出" });
    expect(command("张三 12月3日至12月10日 休假")).toMatchObject({
      type: "record",
      name: "张三",
      reason: "休假",
    });
    expect(command("欧阳明月12-03至12-05 学习培训")).toMatchObject({
      type: "record",
      name: "欧阳明月",
      reason: "学习培训",
    });
    expect(command("取消")).toEqual({ type: "cancel", name: undefined, day: undefined });
    expect(command("取消 12月3日")).toMatchObject({
      type: "cancel",
      name: undefined,
      day: { month: 12, day: 3 },
    });
    expect(command("取消 张三")).toEqual({ type: "cancel", name: "张三", day: undefined });
    expect(command("取消 张三 12-03")).toMatchObject({ type: "cancel", name: "张三", day: { day: 3 } });
  });

  it("unreadable text is answered with how to write it", () => {
    const bad = parseAwayArgs("下周 出差");
    expect(bad).toEqual({
      ok: false,
      hint: expect.stringContaining("没有看懂“出差”。请写明日期，如：外出 12月3日至12月10日 出差"),
    });
    expect(parseAwayArgs("12月 出差")).toEqual({
      ok: false,
      hint: expect.stringContaining("没有看懂日期“12月”"),
    });
    expect(parseAwayArgs("取消 出差 吧")).toMatchObject({
      ok: false,
      hint: expect.stringContaining("外出 取消"),
    });
    expect(parseAwayArgs(`12月3日 ${"出".repeat(51)}`)).toEqual({
      ok: false,
      hint: "“外出事由”过长（51 字，最多 50 字），请精简后重试。",
    });
  });
});

describe("外出 rules", () => {
  const leave = [{ memberId: "a", from: "2026-12-03", to: "2026-12-10" }];
  it("away from the first to the last day, inclusive", () => {
    expect(onLeave(leave, "a", "2026-12-02")).toBe(false);
    expect(onLeave(leave, "a", "2026-12-03")).toBe(true);
    expect(onLeave(leave, "a", "2026-12-10")).toBe(true);
    expect(onLeave(leave, "a", "2026-12-11")).toBe(false);
    expect(onLeave(leave, "b", "2026-12-05")).toBe(false);
    expect(presentOn(leave, ["a", "b"], "2026-12-05")).toEqual(["b"]);
  });

  it("one person is not away twice at once", () => {
    const stored = [{ id: "1", from: "2026-12-03", to: "2026-12-10", reason: "出差" }];
    expect(overlapping(stored, "2026-12-10", "2026-12-12")?.id).toBe("1");
    expect(overlapping(stored, "2026-12-01", "2026-12-02")).toBeUndefined();
    expect(overlapping(stored, "2026-12-11", "2026-12-11")).toBeUndefined();
  });

  it("取消 picks the current absence (ending it yesterday), the only next one, or asks", () => {
    const p = (id: string, from: string, to: string) => ({ id, from, to, reason: "出差" });
    const two = [p("1", "2026-12-03", "2026-12-10"), p("2", "2026-12-20", "2026-12-22")];
    expect(chooseCancel(two, undefined, "2026-12-05", "您")).toEqual({
      kind: "shorten",
      period: two[0],
      to: "2026-12-04",
    });
    expect(chooseCancel(two, undefined, "2026-12-03", "您")).toEqual({ kind: "cancel", period: two[0] });
    expect(chooseCancel(two, undefined, "2026-12-12", "您")).toEqual({ kind: "cancel", period: two[1] });
    expect(chooseCancel(two, undefined, "2026-12-01", "您")).toEqual({
      kind: "ask",
      message:
        "您登记了 2 次外出：12月3日至12月10日、12月20日至12月22日。请写明撤销哪一次，如：外出 取消 12月3日",
    });
    expect(chooseCancel(two, "2026-12-21", "2026-12-01", "您")).toEqual({ kind: "cancel", period: two[1] });
    expect(chooseCancel(two, "2026-12-15", "2026-12-01", "张三")).toEqual({
      kind: "none",
      message: "张三12月15日没有登记外出。",
    });
    expect(chooseCancel(two, undefined, "2026-12-23", "您")).toEqual({
      kind: "none",
      message: "您目前没有登记外出。",
    });
    // A past absence recorded in error can still be withdrawn by naming a day of it.
    expect(chooseCancel(two, "2026-12-04", "2026-12-23", "您")).toEqual({ kind: "cancel", period: two[0] });
  });

  it("a summary says 外出 where the member was away", () => {
    expect(awayNotAnswered(0, 21)).toBeUndefined();
    expect(awayNotAnswered(3, 21)).toBe("外出 3 个工作日，未报");
    expect(awayNotAnswered(21, 21)).toBe("外出，未报");
  });
});
