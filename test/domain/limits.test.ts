import { describe, expect, it } from "vitest";
import { decideCorrection, decideLeave } from "../../src/domain/attendance.ts";
import { BIND_SYNTAX, type CommandSyntax, ok, withTextCap } from "../../src/domain/commands.ts";
import {
  COUNT_LIMITS,
  charCount,
  firstTooLong,
  overLimit,
  quote,
  TEXT_LIMITS,
  tooLong,
  tooMany,
} from "../../src/domain/limits.ts";
import { parseScheduleArgs } from "../../src/domain/meeting-command.ts";
import { parseStudyAdd, readStudyCsvRow, type StudyCsvField } from "../../src/domain/study.ts";

const NOW = new Date("2026-11-22T02:00:00Z");
const TODAY = "2026-11-22";
const long = (n: number, unit = "字") => unit.repeat(n);

describe("the limits, defined once", () => {
  it("counts characters as people do: an emoji or a rare 汉字 is one", () => {
    expect(charCount("党建😀𠀀")).toBe(4);
    expect(charCount("")).toBe(0);
  });

  it("refuses politely, naming the field, its length and its limit; at the limit is fine", () => {
    const limit = { label: "会议地点", max: 3 };
    expect(tooLong(limit, "三楼会")).toBeUndefined();
    expect(tooLong(limit, "三楼会议室")).toBe("“会议地点”过长（5 字，最多 3 字），请精简后重试。");
    expect(overLimit(limit, "三楼会议室")).toBe("“会议地点”过长（5 字，最多 3 字）");
    // Four emoji are eight UTF-16 units but four characters.
    expect(tooLong({ label: "x", max: 4 }, "😀😀😀😀")).toBeUndefined();
    expect(tooLong(limit, undefined)).toBeUndefined();
    expect(tooLong(limit, "")).toBeUndefined();
  });

  it("reports the first field over its limit, in the order given", () => {
    expect(
      firstTooLong([
        [TEXT_LIMITS.meetingTime, "明天"],
        [TEXT_LIMITS.meetingPlace, long(101)],
        [TEXT_LIMITS.leaveReason, long(201)],
      ]),
    ).toContain("“会议地点”");
    expect(firstTooLong([[TEXT_LIMITS.meetingPlace, "三楼"]])).toBeUndefined();
  });

  it("counts lists", () => {
    expect(tooMany(COUNT_LIMITS.measures, 20)).toBeUndefined();
    expect(tooMany(COUNT_LIMITS.measures, 21)).toBe(
      "“贯彻落实措施”最多填写 20 条（现有 21 条），请合并或精简后重试。",
    );
  });

  it("quotes what someone typed briefly", () => {
    expect(quote("今天开会吗")).toBe("今天开会吗");
    expect(quote(long(100), 5)).toBe("字字字字字…");
  });

  it("has a cap for every field people type, each between 1 and 2,000 characters", () => {
    for (const [name, limit] of Object.entries(TEXT_LIMITS)) {
      expect(limit.label, name).not.toBe("");
      expect(limit.max, name).toBeGreaterThan(0);
      expect(limit.max, name).toBeLessThanOrEqual(2000);
    }
  });
});

describe("where the limits apply (pure parts)", () => {
  it("every command's text: refused over 2,000 characters before its own parser runs", () => {
    let parsed = 0;
    const syntax: CommandSyntax<string> = {
      words: ["测试"],
      usage: "测试",
      summary: "",
      parse: (rest) => {
        parsed++;
        return ok(rest);
      },
    };
    const capped = withTextCap<string, CommandSyntax<string>>(syntax);
    expect(capped.parse(long(2000))).toEqual({ ok: true, args: long(2000) });
    expect(capped.parse(long(2001))).toEqual({
      ok: false,
      hint: "“指令内容”过长（2001 字，最多 2000 字），请精简后重试。",
    });
    expect(parsed).toBe(1);
    expect(capped.words).toBe(syntax.words);
  });

  it("绑定: the branch name", () => {
    expect(BIND_SYNTAX.parse(long(100))).toMatchObject({ ok: true });
    expect(BIND_SYNTAX.parse(long(101))).toEqual({
      ok: false,
      hint: "“支部名称”过长（101 字，最多 100 字），请精简后重试。",
    });
  });

  it("安排: the place", () => {
    const parse = (place: string) =>
      parseScheduleArgs(`支部委员会 12月3日 15:00 ${place}`, NOW, "Asia/Shanghai", []);
    expect(parse(long(100))).toMatchObject({ ok: true, place: long(100) });
    expect(parse(long(101))).toEqual({
      ok: false,
      question: "“会议地点”过长（101 字，最多 100 字），请精简后重试。",
    });
    // An unknown kind is quoted, not repeated whole.
    const unknown = parseScheduleArgs(`${long(500)} 12月3日`, NOW, "Asia/Shanghai", []);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.question.length).toBeLessThan(200);
  });

  it("请假 and 更正: the reason", () => {
    const meeting = {
      state: "open" as const,
      startsAt: new Date("2026-12-03T07:00:00Z"),
      endsAt: new Date("2026-12-03T08:30:00Z"),
    };
    expect(decideLeave(meeting, true, undefined, long(200))).toMatchObject({ kind: "record" });
    expect(decideLeave(meeting, true, undefined, long(201))).toEqual({
      kind: "refused",
      message: "“请假事由”过长（201 字，最多 200 字），请精简后重试。",
    });
    expect(decideCorrection(true, true, "leave", long(200))).toMatchObject({ kind: "record" });
    expect(decideCorrection(true, true, "present", long(201))).toEqual({
      kind: "refused",
      message: "“更正说明”过长（201 字，最多 200 字），请精简后重试。",
    });
  });

  it("第一议题 添加: title, source and link", () => {
    expect(parseStudyAdd(`《${long(201)}》 2026-11-20 新华社`, TODAY)).toEqual({
      ok: false,
      message: "“标题”过长（201 字，最多 200 字），请精简后重试。",
    });
    expect(parseStudyAdd(`《讲话》 2026-11-20 ${long(101)}`, TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("“来源”过长"),
    });
    expect(parseStudyAdd(`《讲话》 2026-11-20 新华社 https://x.org/${long(1000, "a")}`, TODAY)).toMatchObject(
      {
        ok: false,
        message: expect.stringContaining("“链接”过长"),
      },
    );
    expect(parseStudyAdd(`《${long(200)}》 2026-11-20 新华社`, TODAY)).toMatchObject({ ok: true });
  });

  it("第一议题 form and CSV import: every over-long column is listed, with no huge echo", () => {
    const fields: StudyCsvField[] = ["title", "source", "published_on", "link", "summary", "scope"];
    const columns = new Map(fields.map((f, i) => [f, i] as const));
    const row = readStudyCsvRow(
      [long(201), long(101), "2026-11-20", `ftp://${long(2000, "a")}`, long(2001), long(5000)],
      columns,
      TODAY,
    );
    expect(row.ok).toBe(false);
    if (row.ok) return;
    expect(row.problems).toEqual(
      expect.arrayContaining([
        "“标题”过长（201 字，最多 200 字）",
        "“来源”过长（101 字，最多 100 字）",
        "“链接”过长（2006 字，最多 1000 字）",
        "“摘要”过长（2001 字，最多 2000 字）",
      ]),
    );
    expect(row.problems.join("；").length).toBeLessThan(600);
    const fine = readStudyCsvRow([long(200), "新华社", "2026-11-20", "", long(2000), ""], columns, TODAY);
    expect(fine.ok).toBe(true);
  });
});
