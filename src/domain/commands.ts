import { TEXT_LIMITS, tooLong } from "./limits.ts";

/**
 * Chat text → which command, and its arguments. Pure. Each feature declares its commands' syntax
 * (words, usage, summary, parse) next to its handler; this module only matches the words and keeps
 * the syntax of the bot's own commands (帮助, 绑定) and of features whose parsing needs no data.
 */

/** A command's arguments, or a hint saying how to write it. */
export type Parsed<A> = { ok: true; args: A } | { ok: false; hint: string };

export interface CommandSyntax<A> {
  /** Words that start the command. Each also works with a leading "/" (help → /help). */
  words: readonly string[];
  /** As shown in the help card, e.g. "绑定 <支部名>". */
  usage: string;
  /** One line for the help card: what it does and who may use it. */
  summary: string;
  /** Turns the text after the command word into arguments. */
  parse(rest: string): Parsed<A>;
}

export const ok = <A>(args: A): Parsed<A> => ({ ok: true, args });

/**
 * The same syntax, refusing a command whose text is over TEXT_LIMITS.commandText before its own parser
 * sees it. Every feature's command goes through this (defineCommand).
 */
export function withTextCap<A, S extends CommandSyntax<A>>(syntax: S): S {
  return {
    ...syntax,
    parse: (rest: string): Parsed<A> => {
      const problem = tooLong(TEXT_LIMITS.commandText, rest);
      return problem ? { ok: false, hint: problem } : syntax.parse(rest);
    },
  };
}

// Chinese titles and places keep their full-width brackets: “《意见》（试行）” must not become “(试行)”.
const KEPT_FULL_WIDTH = /([（）［］｛｝])/;

/** Full-width forms people type on Chinese keyboards (／帮助, full-width spaces) become ASCII; brackets stay. */
export function normaliseCommandText(text: string): string {
  return text
    .split(KEPT_FULL_WIDTH)
    .map((part) => (KEPT_FULL_WIDTH.test(part) ? part : part.normalize("NFKC")))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

const isAsciiWord = (s: string) => /^[a-z0-9_-]+$/i.test(s);

export type CommandMatch<T> =
  | { command: T; word: string; rest: string }
  | { command: undefined; text: string };

/** Text after the bot's @-mention → the command whose word starts it (longest word first), or none. */
export function matchCommand<T extends { words: readonly string[] }>(
  text: string,
  commands: readonly T[],
): CommandMatch<T> {
  const input = normaliseCommandText(text);
  const body = input.replace(/^\/+/, "");
  const lower = body.toLowerCase();
  const candidates = commands
    .flatMap((command) => command.words.map((word) => ({ command, word, lower: word.toLowerCase() })))
    .sort((a, b) => b.lower.length - a.lower.length);
  for (const { command, word, lower: name } of candidates) {
    if (!lower.startsWith(name)) continue;
    const next = body.charAt(name.length);
    // "/binder" is not "/bind"; Chinese needs no space ("绑定办公室党支部").
    if (next && next !== " " && isAsciiWord(name)) continue;
    return { command, word, rest: body.slice(name.length).trim() };
  }
  return { command: undefined, text: input };
}

/** Two commands claiming one word would shadow each other: refused when the bot is put together. */
export function duplicateWords(commands: readonly { words: readonly string[] }[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const c of commands) {
    for (const w of c.words) {
      const key = w.toLowerCase();
      if (seen.has(key)) dups.add(w);
      seen.add(key);
    }
  }
  return [...dups];
}

export const HELP_SYNTAX: CommandSyntax<null> = {
  words: ["帮助", "help"],
  usage: "帮助",
  summary: "查看支部助手能做什么",
  parse: () => ok(null),
};

export const BIND_SYNTAX: CommandSyntax<{ branchName: string }> = {
  words: ["绑定", "bind"],
  usage: "绑定 <支部名>",
  summary: "把本群设为某个党支部的工作群（支部书记、副书记、委员或机关党委工作人员）",
  parse: (rest) => {
    const name = rest.replace(/^[「『“"']+|[」』”"']+$/g, "").trim();
    if (!name) return { ok: false, hint: "请在“绑定”后写上支部名称，例如：绑定 办公室党支部" };
    const problem = tooLong(TEXT_LIMITS.branchName, name);
    return problem ? { ok: false, hint: problem } : ok({ branchName: name });
  },
};

export const SCHEDULE_SYNTAX: CommandSyntax<{ text: string }> = {
  words: ["安排", "meeting"],
  usage: "安排 <会议类型> <时间> [地点]",
  summary:
    "安排会议，如“安排 支部委员会 12月3日 15:00 三楼会议室”；机关党委可用“安排 全部支部 主题党日 …”（书记、委员）",
  parse: (rest) => ok({ text: rest }),
};

export const MEETING_LEDGER_SYNTAX: CommandSyntax<null> = {
  words: ["会议记录", "台账", "meetings"],
  usage: "会议记录",
  summary: "本支部本季度的会议及出勤情况（书记、委员）",
  parse: () => ok(null),
};

export type StudyCommand = { kind: "status" } | { kind: "add"; text: string } | { kind: "overview" };

export const STUDY_SYNTAX: CommandSyntax<StudyCommand> = {
  words: ["第一议题", "study"],
  usage: "第一议题 [添加 《标题》 日期 来源 链接 | 情况]",
  summary: "查看本支部待学习和已学习的第一议题；机关党委可“添加”学习材料、查看各支部“情况”",
  parse: (rest) => {
    const add = /^(添加|新增|add)\s*/i.exec(rest);
    if (add) return ok({ kind: "add", text: rest.slice(add[0].length) });
    if (/^(情况|统计|汇总|overview|report)$/i.test(rest)) return ok({ kind: "overview" });
    return ok({ kind: "status" });
  },
};
