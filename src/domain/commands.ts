/**
 * Chat text → command. Pure and table-driven: each command is one entry in COMMANDS (its words,
 * usage line and help text), and one member of the Command union. Later features add theirs here
 * (安排 会议, 第一议题, 会议记录 …); the app layer then must supply a handler for the new type.
 */

export type Command =
  | { type: "help" }
  | { type: "bind"; branchName: string }
  | { type: "schedule"; args: string }
  | { type: "meeting_ledger" }
  | { type: "study_status" }
  | { type: "study_add"; args: string }
  | { type: "study_overview" }
  /** A known command word with missing or unusable arguments; `hint` says how to write it. */
  | { type: "incomplete"; command: string; hint: string }
  | { type: "unknown"; text: string };

export type CommandType = Command["type"];

export interface CommandSpec {
  /** Words that start the command. Each also works with a leading "/" (help → /help). */
  names: readonly string[];
  /** As shown in the help card, e.g. "绑定 <支部名>". */
  usage: string;
  /** One line for the help card: what it does and who may use it. */
  summary: string;
  /** Turns the text after the command word into a command. */
  parse(rest: string): Command;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    names: ["帮助", "help"],
    usage: "帮助",
    summary: "查看支部助手能做什么",
    parse: () => ({ type: "help" }),
  },
  {
    names: ["绑定", "bind"],
    usage: "绑定 <支部名>",
    summary: "把本群设为某个党支部的工作群（支部书记、副书记、委员或机关党委工作人员）",
    parse: (rest) => {
      const name = rest.replace(/^[「『“"']+|[」』”"']+$/g, "").trim();
      return name
        ? { type: "bind", branchName: name }
        : { type: "incomplete", command: "绑定", hint: "请在“绑定”后写上支部名称，例如：绑定 办公室党支部" };
    },
  },
  {
    names: ["安排", "meeting"],
    usage: "安排 <会议类型> <时间> [地点]",
    summary:
      "安排会议，如“安排 支部委员会 12月3日 15:00 三楼会议室”；机关党委可用“安排 全部支部 主题党日 …”（书记、委员）",
    parse: (rest) => ({ type: "schedule", args: rest }),
  },
  {
    names: ["会议记录", "台账", "meetings"],
    usage: "会议记录",
    summary: "本支部本季度的会议及出勤情况（书记、委员）",
    parse: () => ({ type: "meeting_ledger" }),
  },
  {
    names: ["第一议题", "study"],
    usage: "第一议题 [添加 《标题》 日期 来源 链接 | 情况]",
    summary: "查看本支部待学习和已学习的第一议题；机关党委可“添加”学习材料、查看各支部“情况”",
    parse: (rest) => {
      const add = /^(添加|新增|add)\s*/i.exec(rest);
      if (add) return { type: "study_add", args: rest.slice(add[0].length) };
      if (/^(情况|统计|汇总|overview|report)$/i.test(rest)) return { type: "study_overview" };
      return { type: "study_status" };
    },
  },
];

/** Full-width forms people type on Chinese keyboards (／帮助, full-width spaces) become ASCII. */
function normalise(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim();
}

const isAsciiWord = (s: string) => /^[a-z0-9_-]+$/i.test(s);

/** Text after the bot's @-mention → command. Anything not recognised is `unknown`, never thrown. */
export function parseCommand(text: string, commands: readonly CommandSpec[] = COMMANDS): Command {
  const input = normalise(text);
  const body = input.replace(/^\/+/, "");
  const lower = body.toLowerCase();
  const candidates = commands
    .flatMap((spec) => spec.names.map((name) => ({ spec, name: name.toLowerCase() })))
    .sort((a, b) => b.name.length - a.name.length);
  for (const { spec, name } of candidates) {
    if (!lower.startsWith(name)) continue;
    const next = body.charAt(name.length);
    // "/binder" is not "/bind"; Chinese needs no space ("绑定办公室党支部").
    if (next && next !== " " && isAsciiWord(name)) continue;
    return spec.parse(body.slice(name.length).trim());
  }
  return { type: "unknown", text: input };
}
