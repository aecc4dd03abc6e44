import { describe, expect, it } from "vitest";
import {
  BIND_SYNTAX,
  type CommandSyntax,
  duplicateWords,
  HELP_SYNTAX,
  matchCommand,
  normaliseCommandText,
  ok,
  STUDY_SYNTAX,
} from "../../src/domain/commands.ts";

const CORE = [HELP_SYNTAX, BIND_SYNTAX] as const;

/** What a feature does with a match: parse the rest with the matched command's syntax. */
function parse(text: string, commands: readonly CommandSyntax<unknown>[] = CORE) {
  const m = matchCommand(text, commands);
  if (!m.command) return { unknown: m.text };
  return { word: m.command.words[0], parsed: m.command.parse(m.rest) };
}

describe("chat command matcher", () => {
  it.each([
    ["帮助", "帮助", null],
    ["/help", "帮助", null],
    ["HELP", "帮助", null],
    ["／帮助", "帮助", null],
    ["绑定 办公室党支部", "绑定", { branchName: "办公室党支部" }],
    ["绑定办公室党支部", "绑定", { branchName: "办公室党支部" }],
    ["绑定　「综合规划处党支部」", "绑定", { branchName: "综合规划处党支部" }],
    ["/bind 价格管理处党支部", "绑定", { branchName: "价格管理处党支部" }],
  ])("%s", (text, word, args) => {
    expect(parse(text)).toEqual({ word, parsed: { ok: true, args } });
  });

  it("a command word without what it needs asks for it", () => {
    expect(parse("绑定")).toMatchObject({
      word: "绑定",
      parsed: { ok: false, hint: expect.stringContaining("绑定") },
    });
    expect(parse("/bind  ")).toMatchObject({ parsed: { ok: false } });
  });

  it("anything else is unknown, including ASCII words that only start like a command", () => {
    expect(parse("今天开会吗")).toEqual({ unknown: "今天开会吗" });
    expect(parse("/binder x")).toEqual({ unknown: "/binder x" });
    expect(parse("")).toEqual({ unknown: "" });
  });

  it("takes any list: a new entry is matched without touching the matcher, longest word first", () => {
    const docs: CommandSyntax<string> = {
      words: ["帮助文档"],
      usage: "帮助文档",
      summary: "test",
      parse: () => ok("docs"),
    };
    const extended = [...CORE, docs] as readonly CommandSyntax<unknown>[];
    expect(parse("帮助文档", extended)).toEqual({ word: "帮助文档", parsed: { ok: true, args: "docs" } });
    expect(parse("帮助", extended)).toEqual({ word: "帮助", parsed: { ok: true, args: null } });
  });

  it("finds words claimed twice, whatever their case", () => {
    expect(duplicateWords([HELP_SYNTAX, { words: ["HELP", "x"] }])).toEqual(["HELP"]);
    expect(duplicateWords(CORE)).toEqual([]);
  });

  it("第一议题 has its sub-commands", () => {
    expect(STUDY_SYNTAX.parse("")).toEqual({ ok: true, args: { kind: "status" } });
    expect(STUDY_SYNTAX.parse("情况")).toEqual({ ok: true, args: { kind: "overview" } });
    expect(STUDY_SYNTAX.parse("添加 《x》")).toEqual({ ok: true, args: { kind: "add", text: "《x》" } });
  });
});

describe("command text normalisation", () => {
  it("turns full-width letters, digits, slashes and spaces into ASCII but keeps Chinese brackets", () => {
    expect(normaliseCommandText("／ｈｅｌｐ　１２月")).toBe("/help 12月");
    expect(normaliseCommandText("添加第一议题 《关于加强机关党建的意见（试行）》")).toBe(
      "添加第一议题 《关于加强机关党建的意见（试行）》",
    );
    expect(normaliseCommandText("安排 党课 12月3日 15:00 三楼（东）会议室")).toContain("三楼（东）会议室");
  });
});
