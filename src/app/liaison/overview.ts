import { filedReportsSince, listAssignments, problemsOfOrg } from "../../db/queries/liaison.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import type { Executor } from "../../db/types.ts";
import { liaisonStats } from "../../domain/liaison-stats.ts";
import { localDate } from "../../domain/time.ts";
import type { CardView } from "../../platforms/types.ts";
import { liaisonOverviewCard } from "../views/liaison-cards.ts";
import type { LiaisonDeps } from "./deps.ts";

/**
 * `联系点 情况`: admins see every leader; a leader his own points; anyone else is told who may ask.
 * The year is this year unless named.
 */
export async function liaisonOverview(
  deps: LiaisonDeps,
  db: Executor,
  member: Pick<MemberRow, "id" | "isAdmin" | "isLeader" | "orgId">,
  year: number | undefined,
  now: Date,
): Promise<{ card: CardView } | { text: string }> {
  if (!member.isAdmin && !member.isLeader)
    return { text: "联系点情况仅限机关党委工作人员和领导干部（查看本人联系点）查看。" };
  const today = localDate(now, deps.timeZone);
  const y = year ?? Number(today.slice(0, 4));
  const all = await listAssignments(db, member.orgId);
  const assignments = member.isAdmin ? all : all.filter((a) => a.leaderId === member.id);
  if (!member.isAdmin && assignments.length === 0)
    return { text: "您目前没有联系点。联系点由机关党委指定，如有疑问请联系机关党委。" };
  const reports = (await filedReportsSince(db, `${y}-01-01`)).filter((r) => r.month <= `${y}-12-01`);
  const problems = await problemsOfOrg(db, member.orgId);
  const stats = liaisonStats({
    year: y,
    today,
    settings: deps.settings,
    assignments,
    reports,
    problems: problems.map((p) => ({
      leaderId: p.leaderId,
      branchId: p.branchId,
      raisedOn: p.raisedOn,
      status: p.status,
      resolvedOn: p.resolvedOn ?? undefined,
    })),
  });
  const names = (leaderId: string, branchId: string) => {
    const a = all.find((x) => x.leaderId === leaderId && x.branchId === branchId);
    return { leader: a?.leaderName ?? "", branch: a?.branchName ?? "" };
  };
  const thisYear = Number(today.slice(0, 4));
  const lastMonth = y < thisYear ? 12 : y > thisYear ? 0 : Number(today.slice(5, 7));
  return { card: liaisonOverviewCard(y, stats, names, lastMonth) };
}
