import { describe, expect, it } from "vitest";
import { parseScheduleArgs } from "../../src/domain/meeting-command.ts";

const NOW = new Date("2026-11-22T02:00:00Z");
const parse = (text: string, groups: string[] = ["第一党小组", "第二党小组"]) =>
  parseScheduleArgs(text, NOW, "Asia/Shanghai", groups);

describe("parseScheduleArgs", () => {
  it("reads kind, time and place", () => {
    const r = parse("支部委员会 12月3日 15:00 三楼会议室");
    expect(r).toMatchObject({ ok: true, kind: "committee", place: "三楼会议室", title: "支部委员会" });
    if (r.ok) expect(r.time.startsAt.toISOString()).toBe("2026-12-03T07:00:00.000Z");
  });

  it("accepts short names and the English codes of /meeting", () => {
    expect(parse("支委会 明天 9:30")).toMatchObject({ ok: true, kind: "committee", place: undefined });
    expect(parse("committee 2026-12-03 15:00 Room 3")).toMatchObject({
      ok: true,
      kind: "committee",
      place: "Room 3",
    });
    expect(parse("党员大会 下周三下午3点 大会议室")).toMatchObject({ ok: true, kind: "general_assembly" });
    expect(parse("主题党日 12-05 9:00 在红色教育基地")).toMatchObject({
      ok: true,
      kind: "theme_day",
      place: "红色教育基地",
    });
    expect(parse("党课 12月10日 下午2点半")).toMatchObject({ ok: true, kind: "party_lecture" });
  });

  it("needs the Party group of a 党小组会 when the branch has several", () => {
    expect(parse("党小组会 第二党小组 明天 9:30")).toMatchObject({
      ok: true,
      kind: "party_group",
      partyGroup: "第二党小组",
      title: "第二党小组党小组会",
    });
    expect(parse("党小组会 明天 9:30")).toMatchObject({
      ok: false,
      question: expect.stringContaining("第一党小组、第二党小组"),
    });
    expect(parse("党小组会 明天 9:30", ["唯一党小组"])).toMatchObject({ ok: true, partyGroup: "唯一党小组" });
    expect(parse("党小组会 明天 9:30", [])).toMatchObject({ ok: false });
  });

  it("asks when the kind or the time is unclear", () => {
    expect(parse("茶话会 明天 9:30")).toMatchObject({
      ok: false,
      question: expect.stringContaining("没认出会议类型 “茶话会”"),
    });
    expect(parse("")).toMatchObject({ ok: false, question: expect.stringContaining("安排 支部委员会") });
    expect(parse("支部委员会 明天 3点")).toMatchObject({
      ok: false,
      question: expect.stringContaining("上午 3 点还是下午 3 点"),
    });
    expect(parse("支部委员会 11月1日 15:00")).toMatchObject({
      ok: false,
      question: expect.stringContaining("已经过去"),
    });
  });
});
