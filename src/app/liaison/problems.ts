import { recordAudit } from "../../db/queries/audit.ts";
import {
  findProblem,
  type ProblemView,
  problemsOfBranch,
  problemsOfMember,
  updateProblemStatus,
} from "../../db/queries/liaison.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import type { Executor } from "../../db/types.ts";
import { PROBLEM_STATUS_LABELS, transitionProblem } from "../../domain/liaison-problems.ts";
import { localDate } from "../../domain/time.ts";
import type { CardActionResponse, CardView } from "../../platforms/types.ts";
import { messagesTo } from "../recipients.ts";
import {
  coordinationText,
  problemCard,
  problemListCard,
  resolvedRaiserText,
  resolvedReplyText,
} from "../views/liaison-cards.ts";
import type { LiaisonDeps } from "./deps.ts";
import { problemOnCard } from "./problem-cards.ts";

export const LIAISON_PROBLEM_REPLY_KIND = "liaison.problem_reply";
export const LIAISON_PROBLEM_RAISER_KIND = "liaison.problem_raiser";
export const LIAISON_PROBLEM_COORDINATION_KIND = "liaison.problem_coordination";

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("\n") : (v ?? ""));

/** Who may change a problem's status: its owner, or the 机关党委 (also for problems nobody owns). */
function mayAct(member: Pick<MemberRow, "id" | "isAdmin">, p: ProblemView): boolean {
  return member.isAdmin || p.ownerId === member.id;
}

/**
 * The owner's answer on the problem card. 已解决 tells the leader who raised it and posts one line in the
 * branch's chat (事事有回音); 需要协调 goes to the 机关党委. The change, its audit entry and those messages
 * are one transaction; the change only applies to the status the owner saw.
 */
export async function changeProblemStatus(
  deps: LiaisonDeps,
  member: Pick<MemberRow, "id" | "name" | "isAdmin">,
  problemId: string,
  form: Record<string, string | string[]> | undefined,
  now: Date,
): Promise<CardActionResponse> {
  const problem = await findProblem(deps.db, problemId);
  if (!problem) return { toast: { type: "warning", text: "找不到这个问题，可能已被删除。" } };
  if (!mayAct(member, problem))
    return {
      toast: {
        type: "warning",
        text: `该问题由${problem.ownerName ?? "机关党委"}负责办理，您不能更改其状态。`,
      },
    };
  const today = localDate(now, deps.timeZone);
  const t = transitionProblem(problem.status, first(form?.status), joined(form?.text), today);
  if (!t.ok)
    return { toast: { type: "warning", text: t.message }, card: problemCard(problemOnCard(problem)) };

  return deps.db.transaction(async (tx) => {
    const changed = await updateProblemStatus(tx, problem.id, problem.status, {
      status: t.status,
      resolution: t.resolution,
      resolvedOn: t.resolvedOn,
      coordinationNeed: t.coordinationNeed,
      entry: { on: today, status: t.status, note: t.historyNote, by: member.name },
      at: now,
    });
    const fresh = await findProblem(tx, problem.id);
    if (!changed || !fresh)
      return {
        toast: { type: "info", text: "该问题的状态刚刚已被更改，请查看最新状态。" },
        ...(fresh ? { card: problemCard(problemOnCard(fresh)) } : {}),
      };
    await recordAudit(tx, {
      orgId: problem.orgId,
      actorId: member.id,
      action: "status",
      entity: "liaison_problem",
      entityId: problem.id,
      before: { status: problem.status },
      after: { status: t.status, note: t.historyNote },
      at: now,
    });
    const card = problemOnCard(fresh);
    const told: string[] = [];
    if (t.effects.includes("notify_raiser") && t.resolution) {
      const n = await send(tx, await deps.recipients.members(tx, [problem.leaderId]), {
        kind: LIAISON_PROBLEM_RAISER_KIND,
        subject: `liaison-problem-raiser:${problem.id}`,
        text: resolvedRaiserText(card, t.resolution, member.name),
        now,
      });
      if (n > 0 && problem.leaderId !== member.id) told.push(`已告知反映人${problem.leaderName}`);
    }
    if (t.effects.includes("reply_branch_chat") && t.resolution) {
      const chats = await deps.recipients.branchChats(tx, [problem.branchId]);
      await send(tx, chats, {
        kind: LIAISON_PROBLEM_REPLY_KIND,
        subject: `liaison-problem-reply:${problem.id}`,
        text: resolvedReplyText(card, t.resolution),
        now,
      });
      told.push(chats.length > 0 ? "已在支部群回复" : `${problem.branchName}没有绑定群聊，未能在群内回复`);
    }
    if (t.effects.includes("notify_organ_committee") && t.coordinationNeed) {
      const to = await deps.recipients.organCommittee(tx, problem.orgId);
      await send(tx, to, {
        kind: LIAISON_PROBLEM_COORDINATION_KIND,
        subject: `liaison-problem-coordination:${problem.id}`,
        slot: String(fresh.history.length),
        text: coordinationText(card, t.coordinationNeed, member.name),
        now,
      });
      told.push(to.length > 0 ? "已报机关党委协调" : "未找到机关党委的联系方式，请直接联系机关党委");
    }
    return {
      toast: {
        type: "success",
        text: `已标记为“${PROBLEM_STATUS_LABELS[t.status]}”${told.length ? `，${told.join("，")}` : ""}。`,
      },
      card: problemCard(card),
    };
  });
}

async function send(
  db: Executor,
  addresses: Parameters<typeof messagesTo>[0],
  spec: { kind: string; subject: string; slot?: string; text: string; now: Date },
): Promise<number> {
  if (addresses.length === 0) return 0;
  await enqueue(
    db,
    messagesTo(addresses, {
      kind: spec.kind,
      subject: spec.subject,
      slot: spec.slot ?? "resolved",
      message: { kind: "text", text: spec.text },
      dueAt: spec.now,
    }),
    spec.now,
  );
  return addresses.length;
}

/** `问题`: in a branch chat that branch's problems; privately those the asker owns or raised. */
export async function problemList(
  deps: LiaisonDeps,
  db: Executor,
  scope: { branch: { id: string; name: string } } | { member: Pick<MemberRow, "id"> },
  all: boolean,
  now: Date,
): Promise<CardView> {
  const today = localDate(now, deps.timeZone);
  const rows =
    "branch" in scope
      ? await problemsOfBranch(db, scope.branch.id, all)
      : await problemsOfMember(db, scope.member.id, all);
  const what = all ? "联系点问题（全部）" : "未解决的联系点问题";
  const title = "branch" in scope ? `${scope.branch.name}：${what}` : `我负责或反映的${what}`;
  return problemListCard(title, rows.map(problemOnCard), today, deps.settings.problemOverdueDays, {
    emptyText: all ? "还没有联系点反映的问题。" : "没有未解决的问题。",
  });
}
