import { type CommandSyntax, ok } from "./commands.ts";
import { TEXT_LIMITS, tooLong } from "./limits.ts";

/** The syntax of 支部情况 and 机关情况 (src/app/status/). Pure. */

const unquote = (rest: string) => rest.replace(/^[「『“"']+|[」』”"']+$/g, "").trim();

function nameArg(rest: string): ReturnType<CommandSyntax<{ name: string | undefined }>["parse"]> {
  const name = unquote(rest);
  const problem = name ? tooLong(TEXT_LIMITS.branchName, name) : undefined;
  return problem ? { ok: false, hint: problem } : ok({ name: name || undefined });
}

export const BRANCH_STATUS_SYNTAX: CommandSyntax<{ name: string | undefined }> = {
  words: ["支部情况", "status"],
  usage: "支部情况 [支部名]",
  summary:
    "本支部本月、本季度、本年的三会一课、出勤率、第一议题、联系点和换届情况；领导干部可看联系点支部，机关党委可看任一支部",
  parse: nameArg,
};

export const ORGAN_STATUS_SYNTAX: CommandSyntax<{ name: string | undefined }> = {
  words: ["机关情况", "overview"],
  usage: "机关情况 [党总支名]",
  summary: "各党支部综合得分、出勤、第一议题、联系点和问题整改一览，得分低的在前（机关党委、领导干部）",
  parse: nameArg,
};
