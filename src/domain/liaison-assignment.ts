import type { BranchKind } from "./labels.ts";
import { addDays } from "./time.ts";

/**
 * Who may be assigned which 联系点, and which liaison branch a leader's `联系点` command is about.
 * The roster import applies the same rules (roster.ts); these serve the chat command and the form.
 */

export interface AssignLeader {
  id: string;
  name: string;
  isLeader: boolean;
  /** The leader's own branch (组织关系所在支部). */
  branchId: string;
}

export interface AssignBranch {
  id: string;
  name: string;
  kind: BranchKind;
}

export type AssignDecision = { ok: true; validFrom: string } | { ok: false; message: string };

/** `联系点 指定`: a leader, a 党支部 that is not his own, not already his. Starts today. */
export function checkAssign(
  leader: AssignLeader,
  branch: AssignBranch,
  currentBranchIds: readonly string[],
  today: string,
): AssignDecision {
  if (!leader.isLeader)
    return {
      ok: false,
      message: `${leader.name} 在名册中未标记为领导干部，不能指定联系点（请在名册中设置 leader: true 后重新导入）。`,
    };
  if (branch.kind !== "branch")
    return { ok: false, message: `联系点应为党支部，“${branch.name}” 是党总支。` };
  if (branch.id === leader.branchId)
    return { ok: false, message: `联系点不能是 ${leader.name} 本人所在的支部（${branch.name}）。` };
  if (currentBranchIds.includes(branch.id))
    return { ok: false, message: `${leader.name} 已联系 ${branch.name}，无需重复指定。` };
  return { ok: true, validFrom: today };
}

export type UnassignDecision = { ok: true; validTo: string } | { ok: false; message: string };

/**
 * `联系点 取消`: the assignment ends yesterday, so this month is no longer expected of him (a month is
 * expected when the assignment is in force on its last day); one made today ends today instead, as a
 * period cannot end before it starts.
 */
export function checkUnassign(
  leader: { name: string },
  branch: { name: string },
  current: { validFrom: string } | undefined,
  today: string,
): UnassignDecision {
  if (!current) return { ok: false, message: `${leader.name} 目前没有联系 ${branch.name}，无需取消。` };
  const yesterday = addDays(today, -1);
  return { ok: true, validTo: yesterday < current.validFrom ? current.validFrom : yesterday };
}

export type BranchChoice =
  | { kind: "branch"; branchId: string }
  /** Several liaison branches and no chat to tell which: the app shows a choice. */
  | { kind: "choose"; branchIds: string[] }
  | { kind: "refuse"; message: string };

export const NOT_A_LEADER_MESSAGE = "联系点情况由领导干部填报。如您是领导干部，请联系机关党委在名册中登记。";
export const NO_LIAISON_MESSAGE = "您目前没有联系点。联系点由机关党委指定，如有疑问请联系机关党委。";

/**
 * Which liaison branch `联系点` is about. In a branch's chat: that branch, if it is one of his; in
 * private: his only one, or a choice. A chat of another branch (his own included) is refused with a
 * pointer, so a report never lands on the wrong branch.
 */
export function chooseLiaisonBranch(input: {
  isLeader: boolean;
  /** His liaison branches in force today, in the order to offer them. */
  liaisonBranches: readonly { id: string; name: string }[];
  /** The branch bound to the group chat the command came from; undefined in private chat. */
  chatBranch: { id: string; name: string } | undefined;
}): BranchChoice {
  const { liaisonBranches: mine, chatBranch } = input;
  if (!input.isLeader) return { kind: "refuse", message: NOT_A_LEADER_MESSAGE };
  if (mine.length === 0) return { kind: "refuse", message: NO_LIAISON_MESSAGE };
  if (chatBranch) {
    if (mine.some((b) => b.id === chatBranch.id)) return { kind: "branch", branchId: chatBranch.id };
    return {
      kind: "refuse",
      message:
        `本群是${chatBranch.name}的工作群，不是您的联系点（您联系的是 ${mine.map((b) => b.name).join("、")}）。` +
        "请在与我的私聊中发送“联系点”。",
    };
  }
  const [only] = mine;
  if (only && mine.length === 1) return { kind: "branch", branchId: only.id };
  return { kind: "choose", branchIds: mine.map((b) => b.id) };
}
