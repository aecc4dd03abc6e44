import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec, parseCommand } from "../../src/domain/commands.ts";

describe("chat command parser", () => {
  it.each([
    ["帮助", { type: "help" }],
    ["/help", { type: "help" }],
    ["HELP", { type: "help" }],
    ["／帮助", { type: "help" }],
    ["绑定 办公室党支部", { type: "bind", branchName: "办公室党支部" }],
    ["绑定办公室党支部", { type: "bind", branchName: "办公室党支部" }],
    ["绑定　「综合规划处党支部」", { type: "bind", branchName: "综合规划处党支部" }],
    ["/bind 价格管理处党支部", { type: "bind", branchName: "价格管理处党支部" }],
  ])("%s", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it("a command word without what it needs asks for it", () => {
    expect(parseCommand("绑定")).toMatchObject({ type: "incomplete", command: "绑定" });
    expect(parseCommand("/bind  ")).toMatchObject({ type: "incomplete" });
  });

  it("anything else is unknown, including ASCII words that only start like a command", () => {
    expect(parseCommand("今天开会吗")).toEqual({ type: "unknown", text: "今天开会吗" });
    expect(parseCommand("/binder x")).toEqual({ type: "unknown", text: "/binder x" });
    expect(parseCommand("")).toEqual({ type: "unknown", text: "" });
  });

  it("is a table: a new entry is parsed without touching the parser, longest word first", () => {
    const extended: CommandSpec[] = [
      ...COMMANDS,
      {
        names: ["帮助文档"],
        usage: "帮助文档",
        summary: "test",
        parse: () => ({ type: "unknown", text: "docs" }),
      },
    ];
    expect(parseCommand("帮助文档", extended)).toEqual({ type: "unknown", text: "docs" });
    expect(parseCommand("帮助", extended)).toEqual({ type: "help" });
  });

  it("every command has usage and summary for the help card", () => {
    for (const c of COMMANDS) {
      expect(c.usage).not.toBe("");
      expect(c.summary).not.toBe("");
    }
  });
});
