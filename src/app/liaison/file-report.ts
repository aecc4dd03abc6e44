import { recordAudit } from "../../db/queries/audit.ts";
import { findBranch } from "../../db/queries/branch-chats.ts";
import {
  assignmentsOfPair,
  deleteUntouchedProblems,
  findReport,
  insertProblems,
  insertReport,
  type LiaisonProblemRow,
  type LiaisonReportRow,
  type ProblemWrite,
  problemsOfReport,
  reassignProblem,
  updateReport,
} from "../../db/queries/liaison.ts";
import { branchSecretaries } from "../../db/queries/member-directory.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import type { Executor } from "../../db/types.ts";
import {
  editableUntil,
  lastDayOfMonth,
  monthLabel,
  reportDeadline,
  timeLeftText,
} from "../../domain/liaison-calendar.ts";
import { decideSubmission, editClosedMessage, filingTiming, mayEdit } from "../../domain/liaison-filing.ts";
import { ownerLabel, type ProblemLine } from "../../domain/liaison-problem-lines.ts";
import { proposedOwnerId, resolveProblemOwner } from "../../domain/liaison-problems.ts";
import { parseLiaisonForm } from "../../domain/liaison-report.ts";
import { localDate } from "../../domain/time.ts";
import type { CardActionResponse, CardView } from "../../platforms/types.ts";
import { messagesTo } from "../recipients.ts";
import {
  type FiledProblemLine,
  liaisonFiledCard,
  liaisonFormCard,
  type ReportOnCard,
  secretaryNoteText,
} from "../views/liaison-cards.ts";
import type { LiaisonDeps } from "./deps.ts";
import { loadOwnerDirectory } from "./directory.ts";
import { sendProblemCards } from "./problem-cards.ts";

export const LIAISON_FILED_NOTE_KIND = "liaison.filed_note";

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])-01$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Leader = Pick<MemberRow, "id" | "name" | "isLeader" | "branchId" | "orgId">;

export type PairCheck =
  | { ok: true; branch: { id: string; name: string; orgId: string } }
  | { ok: false; message: string };

/**
 * May this leader report on this branch for this month: assigned to it at some time in the month, and
 * not a member of it now (a leader transferred into his liaison branch reports nothing there until the
 * 机关党委 gives him another one).
 */
export async function checkPair(
  db: Executor,
  leader: Leader,
  branchId: string,
  month: string,
): Promise<PairCheck> {
  // Both come back from a card's button: checked before they reach a query (a bad uuid would be an SQL error).
  const branch = MONTH_RE.test(month) && UUID_RE.test(branchId) ? await findBranch(db, branchId) : undefined;
  if (!branch) return { ok: false, message: "找不到这个联系点，请重新发送“联系点”。" };
  if (!leader.isLeader)
    return { ok: false, message: "联系点情况由领导干部填报。如您是领导干部，请联系机关党委在名册中登记。" };
  const last = lastDayOfMonth(month);
  const assigned = (await assignmentsOfPair(db, leader.id, branchId)).some(
    (a) => a.validFrom <= last && (a.validTo === null || a.validTo >= month),
  );
  if (!assigned)
    return { ok: false, message: `您在${monthLabel(month)}不是${branch.name}的联系领导，无需填报。` };
  if (leader.branchId === branchId)
    return {
      ok: false,
      message: `您现在是${branch.name}的党员，联系点不能是本人所在的支部。请联系机关党委调整联系点。`,
    };
  return { ok: true, branch };
}

/** The problems box as the leader would type it again. */
export function problemsText(problems: readonly Pick<LiaisonProblemRow, "description" | "ownerLabel">[]) {
  return problems
    .map((p) => {
      const owner = p.ownerLabel === "联系领导本人" ? "本人" : p.ownerLabel;
      return owner ? `${p.description} @${owner}` : p.description;
    })
    .join("\n");
}

function reportOnCard(report: LiaisonReportRow, problems: readonly LiaisonProblemRow[]): ReportOnCard {
  return {
    contacts: report.contacts,
    otherMethod: report.otherMethod,
    learned: report.learned,
    guidance: report.guidance,
    noContactReason: report.noContactReason,
    problemsText: problemsText(problems),
  };
}

/** The form for one leader, branch and month; the filed summary when it is already on file. */
export async function formOrFiledCard(
  deps: LiaisonDeps,
  db: Executor,
  leader: Leader,
  branch: { id: string; name: string },
  month: string,
  now: Date,
  options: { edit?: boolean; nudge?: { workdaysLeft: number } } = {},
): Promise<CardView> {
  const today = localDate(now, deps.timeZone);
  const report = await findReport(db, { leaderId: leader.id, branchId: branch.id, month });
  const problems = report ? await problemsOfReport(db, report.id) : [];
  if (report && !(options.edit && mayEdit(month, today)))
    return filedCard(deps, leader, branch, report, problems, today);
  const calendar = await deps.loadCalendar(db);
  return liaisonFormCard({
    leaderName: leader.name,
    branchId: branch.id,
    branchName: branch.name,
    month,
    timeLeft: timeLeftText(calendar, today, reportDeadline(month, deps.settings.reportMonth)),
    ...(report ? { initial: reportOnCard(report, problems) } : {}),
    ...(options.nudge ? { nudge: options.nudge } : {}),
  });
}

function filedCard(
  deps: LiaisonDeps,
  leader: Pick<Leader, "name">,
  branch: { id: string; name: string },
  report: LiaisonReportRow,
  problems: readonly LiaisonProblemRow[],
  today: string,
): CardView {
  const filedOn = report.filedOn ?? report.month;
  return liaisonFiledCard({
    leaderName: leader.name,
    branchId: branch.id,
    branchName: branch.name,
    month: report.month,
    report: reportOnCard(report, problems),
    problems: problems.map(
      (p): FiledProblemLine => ({
        description: p.description,
        ownerLabel: p.ownerLabel ?? "—",
        status: p.status,
      }),
    ),
    filedOn,
    late: filingTiming(report.month, deps.settings.reportMonth, filedOn) === "late",
    editableUntil: mayEdit(report.month, today) ? editableUntil(report.month) : undefined,
    edited: report.updatedAt.getTime() > (report.submittedAt ?? report.createdAt).getTime(),
  });
}

/** 修改 on the filed card: the form again while edits are allowed. */
export async function reopenForm(
  deps: LiaisonDeps,
  leader: Leader,
  branchId: string,
  month: string,
  now: Date,
): Promise<CardActionResponse> {
  const pair = await checkPair(deps.db, leader, branchId, month);
  if (!pair.ok) return { toast: { type: "warning", text: pair.message } };
  const today = localDate(now, deps.timeZone);
  const card = await formOrFiledCard(deps, deps.db, leader, pair.branch, month, now, { edit: true });
  if (!mayEdit(month, today)) return { toast: { type: "warning", text: editClosedMessage(month) }, card };
  return { card };
}

const sameLine = (p: Pick<LiaisonProblemRow, "description" | "ownerLabel">, w: ProblemWrite) =>
  p.description === w.description && (p.ownerLabel ?? "") === w.ownerLabel;

/**
 * 提交 on the form: the first filing (however late: 补报) or an edit while the window is open. The
 * report, its problems, the audit entry and every message it causes are written in one transaction, so
 * the toast only says what is already queued.
 */
export async function submitReport(
  deps: LiaisonDeps,
  leader: Leader,
  branchId: string,
  month: string,
  form: Record<string, string | string[]> | undefined,
  now: Date,
): Promise<CardActionResponse> {
  const pair = await checkPair(deps.db, leader, branchId, month);
  if (!pair.ok) return { toast: { type: "warning", text: pair.message } };
  const { branch } = pair;
  const today = localDate(now, deps.timeZone);
  const { directory, departments } = await loadOwnerDirectory(deps.db, branch.orgId);
  const parsed = parseLiaisonForm(form, { reportMonth: month, today, branchName: branch.name, departments });
  if (!parsed.ok) return { toast: { type: "warning", text: parsed.message } };
  const { report } = parsed;

  return deps.db.transaction(async (tx) => {
    const existing = await findReport(tx, { leaderId: leader.id, branchId, month });
    const decision = decideSubmission({
      reportMonth: month,
      mode: deps.settings.reportMonth,
      today,
      existing: existing ? { filedOn: existing.filedOn ?? month } : undefined,
    });
    if (!decision.ok) {
      const problems = existing ? await problemsOfReport(tx, existing.id) : [];
      return {
        toast: { type: "warning", text: decision.message },
        ...(existing ? { card: filedCard(deps, leader, branch, existing, problems, today) } : {}),
      };
    }
    const write = {
      leaderId: leader.id,
      branchId,
      month,
      contacts: report.contacts,
      otherMethod: report.otherMethod ?? null,
      learned: report.learned,
      guidance: report.guidance,
      noContactReason: report.noContactReason ?? null,
    };
    const fallbackNotes: string[] = [];
    const lines: (ProblemWrite & { fallback?: string })[] = report.problems.map((line: ProblemLine, i) => {
      const proposed = proposedOwnerId(line.owner, { leaderId: leader.id, branchId, directory });
      const owner = resolveProblemOwner(proposed, branchId, directory);
      const label = ownerLabel(line.owner, branch.name);
      if (owner.kind !== "owner") fallbackNotes.push(`“${line.description}”：${owner.auditNote}`);
      return {
        description: line.description,
        ownerLabel: label,
        ownerId: owner.kind === "organ_committee" ? null : owner.memberId,
        position: i,
        ...(owner.kind !== "owner" ? { fallback: owner.auditNote } : {}),
      };
    });

    let row = existing;
    let created = false;
    if (!row) {
      row = await insertReport(tx, { ...write, filedOn: today, at: now });
      created = row !== undefined;
      row ??= await findReport(tx, { leaderId: leader.id, branchId, month });
      if (!row) throw new Error("liaison report vanished");
    }
    const before = created ? [] : await problemsOfReport(tx, row.id);
    if (!created) await updateReport(tx, row.id, write, now);
    const keep = before.filter((p) => lines.some((w) => sameLine(p, w)));
    const dropped = before.filter((p) => !keep.includes(p));
    const untouched = dropped.filter((p) => p.status === "open" && p.history.length === 0);
    const kept = dropped.filter((p) => !untouched.includes(p));
    await deleteUntouchedProblems(
      tx,
      untouched.map((p) => p.id),
    );
    const fresh = lines.filter((w) => !before.some((p) => sameLine(p, w)));
    const inserted = await insertProblems(tx, row, row.filedOn ?? today, fresh, now);
    for (const p of inserted) {
      const note = fresh.find((w) => sameLine(p, w))?.fallback;
      if (note && p.ownerId)
        await reassignProblem(tx, p.id, p.ownerId, { on: today, status: "open", note, by: null }, now);
    }
    await recordAudit(tx, {
      orgId: branch.orgId,
      actorId: leader.id,
      action: created ? "create" : "update",
      entity: "liaison_report",
      entityId: row.id,
      before: created
        ? null
        : {
            contacts: row.contacts,
            learned: row.learned,
            guidance: row.guidance,
            noContactReason: row.noContactReason,
            problems: before.map((p) => p.description),
          },
      after: {
        month,
        branch: branch.name,
        contacts: write.contacts,
        learned: write.learned,
        guidance: write.guidance,
        noContactReason: write.noContactReason,
        problems: lines.map((l) => `${l.description} @${l.ownerLabel}`),
        ...(fallbackNotes.length ? { ownerFallbacks: fallbackNotes } : {}),
      },
      at: now,
    });

    const sentCards = await sendProblemCards(
      deps,
      tx,
      inserted,
      { leaderName: leader.name, branchName: branch.name, month, orgId: branch.orgId },
      now,
    );
    let noted = false;
    if (created) {
      const secretaries = (await branchSecretaries(tx, branchId)).filter((s) => s.id !== leader.id);
      const addresses = await deps.recipients.members(
        tx,
        secretaries.map((s) => s.id),
      );
      const text = secretaryNoteText(leader.name, branch.name, month, inserted.length);
      noted =
        (await enqueue(
          tx,
          messagesTo(addresses, {
            kind: LIAISON_FILED_NOTE_KIND,
            subject: `liaison-filed:${leader.id}:${branchId}:${month}`,
            slot: "filed",
            message: { kind: "text", text },
            dueAt: now,
          }),
          now,
        )) > 0 || addresses.length > 0;
    }
    const after = await problemsOfReport(tx, row.id);
    const fresh2 = await findReport(tx, { leaderId: leader.id, branchId, month });
    const parts = [
      created
        ? decision.ok && decision.action === "create" && decision.timing === "late"
          ? "已补报"
          : "已提交"
        : "已保存修改",
    ];
    if (noted) parts.push("已告知支部书记");
    if (sentCards > 0) parts.push(`${sentCards} 个问题已交负责方办理`);
    if (kept.length > 0) parts.push(`${kept.length} 个已在办理的问题保留在问题清单中`);
    return {
      toast: { type: "success", text: `${parts.join("，")}。` },
      card: filedCard(deps, leader, branch, fresh2 ?? row, after, today),
    };
  });
}
