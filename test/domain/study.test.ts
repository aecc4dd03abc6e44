import { describe, expect, it } from "vitest";
import {
  delayDays,
  isOverdue,
  median,
  normalizeDate,
  parseStudyAdd,
  pendingItems,
  readStudyCsvHeader,
  readStudyCsvRow,
  recordNudgeState,
  type StudyItemRef,
  summarizeTimeliness,
} from "../../src/domain/study.ts";

const TODAY = "2026-11-22";

describe("parseStudyAdd", () => {
  it("reads title, date, source and link in any order", () => {
    expect(
      parseStudyAdd("《在中央经济工作会议上的讲话》 2026-11-20 新华社 https://example.org/a", TODAY),
    ).toEqual({
      ok: true,
      item: {
        title: "在中央经济工作会议上的讲话",
        source: "新华社",
        publishedOn: "2026-11-20",
        link: "https://example.org/a",
        summary: undefined,
        scope: "all",
      },
    });
    expect(parseStudyAdd("《论党的自我革命》 《求是》 2026年11月16日", TODAY)).toMatchObject({
      ok: true,
      item: { title: "论党的自我革命", source: "《求是》", publishedOn: "2026-11-16", link: undefined },
    });
    expect(parseStudyAdd("重要讲话 11月18日 人民日报 仅党组", TODAY)).toMatchObject({
      ok: true,
      item: { title: "重要讲话", source: "人民日报", publishedOn: "2026-11-18", scope: "leading_group" },
    });
  });

  it("reads a yearless date in the future as last year's", () => {
    expect(parseStudyAdd("《新年贺词》 12月31日 新华社", TODAY)).toMatchObject({
      ok: true,
      item: { publishedOn: "2025-12-31" },
    });
  });

  it("says what is missing or wrong", () => {
    expect(parseStudyAdd("", TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("第一议题 添加"),
    });
    expect(parseStudyAdd("《标题》 新华社", TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("缺少发表日期"),
    });
    expect(parseStudyAdd("《标题》 2026-11-20", TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("缺少来源"),
    });
    expect(parseStudyAdd("《标题》 2026-02-30 新华社", TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("无效"),
    });
    expect(parseStudyAdd("《标题》 2026-12-30 新华社", TODAY)).toMatchObject({
      ok: false,
      message: expect.stringContaining("今天之后"),
    });
  });
});

const item = (
  id: string,
  publishedOn: string,
  scope: "all" | "leading_group" = "all",
  addedOn = publishedOn,
): StudyItemRef => ({
  id,
  title: `材料${id}`,
  source: "新华社",
  publishedOn,
  link: null,
  scope,
  addedOn,
});

describe("pending items and timeliness", () => {
  const items = [item("b", "2026-11-10"), item("a", "2026-11-01"), item("c", "2026-11-12", "leading_group")];

  it("lists unstudied in-scope items, oldest first", () => {
    expect(pendingItems(items, new Set(), false).map((i) => i.id)).toEqual(["a", "b"]);
    expect(pendingItems(items, new Set(["a"]), true).map((i) => i.id)).toEqual(["b", "c"]);
  });

  it("counts days from publication to study", () => {
    expect(delayDays("2026-05-12", "2026-05-13")).toBe(1);
    expect(delayDays("2026-02-27", "2026-03-02")).toBe(3);
    expect(delayDays("2026-11-20", "2026-11-20")).toBe(0);
  });

  it("marks items overdue from when they were added", () => {
    expect(isOverdue(item("x", "2026-11-01"), "2026-11-08", 7)).toBe(false);
    expect(isOverdue(item("x", "2026-11-01"), "2026-11-09", 7)).toBe(true);
    expect(isOverdue(item("x", "2026-10-01", "all", "2026-11-20"), "2026-11-22", 7)).toBe(false);
  });

  it("summarises per item: branches studied, median and longest delay (first study per branch)", () => {
    const [s] = summarizeTimeliness([item("a", "2026-11-01")], 6, [
      { itemId: "a", branchId: "b1", studiedOn: "2026-11-02" },
      { itemId: "a", branchId: "b2", studiedOn: "2026-11-05" },
      { itemId: "a", branchId: "b2", studiedOn: "2026-11-03" },
      { itemId: "a", branchId: "b3", studiedOn: "2026-11-11" },
      { itemId: "z", branchId: "b4", studiedOn: "2026-11-02" },
    ]);
    expect(s).toMatchObject({ branchesInScope: 6, branchesStudied: 3, medianDelay: 2, longestDelay: 10 });
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it("nudges from the day after closing and turns overdue after N days", () => {
    expect(recordNudgeState("2026-11-20", "2026-11-20", 7)).toEqual({ due: false, overdue: false });
    expect(recordNudgeState("2026-11-20", "2026-11-21", 7)).toEqual({ due: true, overdue: false });
    expect(recordNudgeState("2026-11-20", "2026-11-28", 7)).toEqual({ due: true, overdue: true });
  });
});

describe("study CSV rows", () => {
  it("maps Chinese or English headers, and names unknown, repeated and missing columns", () => {
    const zh = readStudyCsvHeader(["标题", "来源", "发表日期", "链接", "摘要", "范围"]);
    const en = readStudyCsvHeader([" Title ", "SOURCE", "published_on", "link", "summary", "scope"]);
    expect(zh.ok && [...zh.columns]).toEqual(en.ok && [...en.columns]);
    const bad = readStudyCsvHeader(["标题", "title", "作者"]);
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) {
      expect(bad.message).toContain("列 “title” 重复");
      expect(bad.message).toContain("不认识的列 “作者”");
      expect(bad.message).toContain("缺少必填列：来源/source、发表日期/发布日期/published_on/published");
    }
  });

  it("reads a row: dates in the usual spellings, 《》 around titles, scope in Chinese or English", () => {
    const head = readStudyCsvHeader(["标题", "来源", "发表日期", "范围"]);
    if (!head.ok) throw new Error(head.message);
    expect(
      readStudyCsvRow(["《讲话》", "新华社", "2026/11/5", "仅党组"], head.columns, "2026-11-22"),
    ).toEqual({
      ok: true,
      item: {
        title: "讲话",
        source: "新华社",
        publishedOn: "2026-11-05",
        link: undefined,
        summary: undefined,
        scope: "leading_group",
      },
    });
    expect(
      readStudyCsvRow(["讲话", "新华社", "2026年11月5日", ""], head.columns, "2026-11-22"),
    ).toMatchObject({
      ok: true,
      item: { publishedOn: "2026-11-05", scope: "all" },
    });
    expect(readStudyCsvRow(["讲话", "新华社", "2026-02-30", "some"], head.columns, "2026-11-22")).toEqual({
      ok: false,
      problems: [
        "发表日期 “2026-02-30” 无效，应为 YYYY-MM-DD",
        "范围 “some” 无效，应为 全部/all 或 仅党组/leading_group",
      ],
    });
    expect(normalizeDate("2026.1.9")).toBe("2026-01-09");
    expect(normalizeDate("1月9日")).toBeUndefined();
  });
});
