import { addMonths, monthLabel, monthOf } from "./liaison-calendar.ts";

/**
 * Chat text after `联系点` / `问题` → what to do, in the style of commands.ts: pure functions of the text
 * (the month is resolved against today separately), unusable input comes back as `incomplete` with a
 * Chinese hint. The app adds LIAISON_COMMAND_SPECS to COMMANDS with handlers for these types.
 */

export type FormMonth =
  | { kind: "current" }
  | { kind: "previous" }
  | { kind: "month"; year?: number; month: number };

export type LiaisonCommand =
  | { type: "liaison_form"; month: FormMonth }
  | { type: "liaison_assign"; leaderName: string; branchName: string }
  | { type: "liaison_unassign"; leaderName: string; branchName: string }
  | { type: "liaison_overview"; year: number | undefined }
  | { type: "problem_list"; scope: "open" | "all" }
  | { type: "incomplete"; command: string; hint: string };

export const LIAISON_COMMAND_SPECS = [
  {
    names: ["联系点", "liaison"],
    usage: "联系点 [上月 | 10月 | 情况 | 指定 <领导> <支部> | 取消 <领导> <支部>]",
    summary:
      "领导干部填报本月（或上月、某月）联系点情况；“情况”查看各月填报与问题办理；机关党委可指定或取消联系点",
  },
  {
    names: ["问题", "problems"],
    usage: "问题 [全部]",
    summary: "在支部群中列出本支部未解决的联系点问题，私聊列出您负责或反映的问题；加“全部”含已解决",
  },
] as const;

const ASSIGN_HINT = "请按这样的格式指定：联系点 指定 张三 办公室党支部（领导姓名与支部名称之间空一格）";
const UNASSIGN_HINT = "请按这样的格式取消：联系点 取消 张三 办公室党支部";
const FORM_HINT =
  "请直接发送“联系点”填报本月情况，或写明月份，如：联系点 上月、联系点 10月、联系点 2026年9月";

const strip = (s: string) => s.replace(/^[「『“"'《]+|[」』”"'》]+$/g, "").trim();

function pair(type: "liaison_assign" | "liaison_unassign", rest: string, hint: string): LiaisonCommand {
  const words = rest
    .replace(/^[为:：]\s*/, "")
    .split(" ")
    .map(strip)
    .filter(Boolean);
  const [leaderName, ...branch] = words;
  if (!leaderName || branch.length === 0) return { type: "incomplete", command: "联系点", hint };
  return { type, leaderName, branchName: branch.join(" ") };
}

function formMonth(rest: string): FormMonth | undefined {
  if (/^(本月|这个月|当月|本月份)?$/.test(rest)) return { kind: "current" };
  if (/^(上月|上个月|上月份)$/.test(rest)) return { kind: "previous" };
  const full = /^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*月?(份)?$/.exec(rest);
  const short = /^(\d{1,2})\s*月(份)?$/.exec(rest);
  const month = Number(full?.[2] ?? short?.[1]);
  if (!(month >= 1 && month <= 12)) return undefined;
  return full ? { kind: "month", year: Number(full[1]), month } : { kind: "month", month };
}

/** The text after `联系点`. */
export function parseLiaisonArgs(text: string): LiaisonCommand {
  const rest = text.normalize("NFKC").replace(/\s+/g, " ").trim();
  const sub = /^(指定|设置|assign|取消|撤销|unassign|情况|统计|汇总|overview)(?:\s+|$)(.*)$/i.exec(rest);
  if (sub) {
    const word = (sub[1] ?? "").toLowerCase();
    const args = (sub[2] ?? "").trim();
    if (["指定", "设置", "assign"].includes(word)) return pair("liaison_assign", args, ASSIGN_HINT);
    if (["取消", "撤销", "unassign"].includes(word)) return pair("liaison_unassign", args, UNASSIGN_HINT);
    if (!args) return { type: "liaison_overview", year: undefined };
    const year = /^(\d{4})\s*年?$/.exec(args);
    return year
      ? { type: "liaison_overview", year: Number(year[1]) }
      : {
          type: "incomplete",
          command: "联系点",
          hint: "请按这样的格式查看：联系点 情况，或 联系点 情况 2025",
        };
  }
  const month = formMonth(rest);
  return month ? { type: "liaison_form", month } : { type: "incomplete", command: "联系点", hint: FORM_HINT };
}

/** The text after `问题`. */
export function parseProblemArgs(text: string): LiaisonCommand {
  const rest = text.normalize("NFKC").trim();
  if (!rest || /^(未解决|待办|open)$/i.test(rest)) return { type: "problem_list", scope: "open" };
  if (/^(全部|所有|all)$/i.test(rest)) return { type: "problem_list", scope: "all" };
  return { type: "incomplete", command: "问题", hint: "发送“问题”查看未解决的问题，“问题 全部”含已解决的。" };
}

/**
 * The month a form command means, as YYYY-MM-01. A month without a year is this year's, or last
 * year's when it has not come yet (in January, “12月” is last December). Future months are refused.
 */
export function resolveFormMonth(
  spec: FormMonth,
  today: string,
): { ok: true; month: string } | { ok: false; message: string } {
  const current = monthOf(today);
  if (spec.kind === "current") return { ok: true, month: current };
  if (spec.kind === "previous") return { ok: true, month: addMonths(current, -1) };
  const mm = String(spec.month).padStart(2, "0");
  let month = `${spec.year ?? today.slice(0, 4)}-${mm}-01`;
  if (spec.year === undefined && month > current) month = addMonths(month, -12);
  if (month > current) return { ok: false, message: `${monthLabel(month)}还没有开始，暂不能填报。` };
  return { ok: true, month };
}
