/** 联系点: assignments, monthly reports and the problems they raise. */
import { and, asc, desc, eq, gte, inArray, isNull, lte, max, ne, or, sql } from "drizzle-orm";
import type { FiledReport, LiaisonAssignment } from "../../domain/liaison-plan.ts";
import type { ProblemStatus } from "../../domain/liaison-problems.ts";
import type { Contact } from "../../domain/liaison-report.ts";
import {
  branches,
  liaisonAssignments,
  liaisonProblems,
  liaisonReports,
  members,
  outbox,
  type ProblemHistoryEntry,
} from "../schema.ts";
import type { Executor } from "../types.ts";

export type LiaisonReportRow = typeof liaisonReports.$inferSelect;
export type LiaisonProblemRow = typeof liaisonProblems.$inferSelect;
export type AssignmentRow = typeof liaisonAssignments.$inferSelect;

/** Assignments of active leaders (a leader who left the roster is no longer asked), with names. */
export async function listAssignments(
  db: Executor,
  orgId?: string,
): Promise<
  (LiaisonAssignment & {
    id: string;
    leaderName: string;
    branchName: string;
    orgId: string;
    leaderBranchId: string;
  })[]
> {
  const rows = await db
    .select({
      id: liaisonAssignments.id,
      leaderId: liaisonAssignments.leaderId,
      branchId: liaisonAssignments.branchId,
      validFrom: liaisonAssignments.validFrom,
      validTo: liaisonAssignments.validTo,
      leaderName: members.name,
      branchName: branches.name,
      orgId: members.orgId,
      leaderBranchId: members.branchId,
      leaderCode: members.code,
    })
    .from(liaisonAssignments)
    .innerJoin(members, eq(members.id, liaisonAssignments.leaderId))
    .innerJoin(branches, eq(branches.id, liaisonAssignments.branchId))
    .where(
      and(eq(members.active, true), eq(branches.active, true), orgId ? eq(members.orgId, orgId) : undefined),
    )
    .orderBy(asc(members.code), asc(branches.code), asc(liaisonAssignments.validFrom));
  return rows.map(({ leaderCode: _, ...r }) => ({ ...r, validTo: r.validTo ?? undefined }));
}

/** The leader's liaison branches in force on `day`, by branch code. */
export async function liaisonBranchesOf(
  db: Executor,
  leaderId: string,
  day: string,
): Promise<{ id: string; name: string; assignmentId: string; validFrom: string }[]> {
  return db
    .select({
      id: branches.id,
      name: branches.name,
      assignmentId: liaisonAssignments.id,
      validFrom: liaisonAssignments.validFrom,
    })
    .from(liaisonAssignments)
    .innerJoin(branches, eq(branches.id, liaisonAssignments.branchId))
    .where(
      and(
        eq(liaisonAssignments.leaderId, leaderId),
        lte(liaisonAssignments.validFrom, day),
        or(isNull(liaisonAssignments.validTo), gte(liaisonAssignments.validTo, day)),
      ),
    )
    .orderBy(asc(branches.code));
}

/** Whether the leader's assignment to the branch is in force on the month's last day, or was at some point. */
export async function assignmentsOfPair(db: Executor, leaderId: string, branchId: string) {
  return db
    .select()
    .from(liaisonAssignments)
    .where(and(eq(liaisonAssignments.leaderId, leaderId), eq(liaisonAssignments.branchId, branchId)));
}

export async function insertAssignment(
  db: Executor,
  a: { leaderId: string; branchId: string; validFrom: string; at: Date },
): Promise<AssignmentRow> {
  const [row] = await db
    .insert(liaisonAssignments)
    .values({
      leaderId: a.leaderId,
      branchId: a.branchId,
      validFrom: a.validFrom,
      source: "chat",
      createdAt: a.at,
    })
    .onConflictDoUpdate({
      // Ended and assigned again the same day: the earlier period is reopened.
      target: [liaisonAssignments.leaderId, liaisonAssignments.branchId, liaisonAssignments.validFrom],
      set: { validTo: null, source: "chat", updatedAt: a.at },
    })
    .returning();
  if (!row) throw new Error("insert liaison assignment returned nothing");
  return row;
}

export async function endAssignment(db: Executor, id: string, validTo: string, at: Date): Promise<void> {
  await db
    .update(liaisonAssignments)
    .set({ validTo, source: "chat", updatedAt: at })
    .where(eq(liaisonAssignments.id, id));
}

/** Active members of the organisation with this name (names can repeat: the caller decides). */
export async function activeMembersNamed(db: Executor, orgId: string, name: string) {
  return db
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.name, name), eq(members.active, true)))
    .orderBy(asc(members.code));
}

/** Reports filed for months from `fromMonth` on, as the planners and statistics read them. */
export async function filedReportsSince(db: Executor, fromMonth: string): Promise<FiledReport[]> {
  const rows = await db
    .select({
      leaderId: liaisonReports.leaderId,
      branchId: liaisonReports.branchId,
      month: liaisonReports.month,
      filedOn: liaisonReports.filedOn,
      contacts: liaisonReports.contacts,
    })
    .from(liaisonReports)
    .where(and(gte(liaisonReports.month, fromMonth), sql`${liaisonReports.filedOn} is not null`));
  return rows.map((r) => ({ ...r, filedOn: r.filedOn ?? r.month }));
}

export async function findReport(
  db: Executor,
  key: { leaderId: string; branchId: string; month: string },
): Promise<LiaisonReportRow | undefined> {
  const [row] = await db
    .select()
    .from(liaisonReports)
    .where(
      and(
        eq(liaisonReports.leaderId, key.leaderId),
        eq(liaisonReports.branchId, key.branchId),
        eq(liaisonReports.month, key.month),
      ),
    );
  return row;
}

export interface ReportWrite {
  leaderId: string;
  branchId: string;
  month: string;
  contacts: Contact[];
  otherMethod: string | null;
  learned: string;
  guidance: string;
  noContactReason: string | null;
}

/**
 * Writes the first filing; two submits racing each other meet at the unique key, and the loser gets
 * undefined (its click is then treated as an edit by the caller).
 */
export async function insertReport(
  db: Executor,
  r: ReportWrite & { filedOn: string; at: Date },
): Promise<LiaisonReportRow | undefined> {
  const [row] = await db
    .insert(liaisonReports)
    .values({ ...r, submittedAt: r.at, createdAt: r.at, updatedAt: r.at })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function updateReport(db: Executor, id: string, r: ReportWrite, at: Date): Promise<void> {
  await db
    .update(liaisonReports)
    .set({
      contacts: r.contacts,
      otherMethod: r.otherMethod,
      learned: r.learned,
      guidance: r.guidance,
      noContactReason: r.noContactReason,
      updatedAt: at,
    })
    .where(eq(liaisonReports.id, id));
}

export interface ProblemWrite {
  description: string;
  ownerId: string | null;
  ownerLabel: string;
  position: number;
}

export async function insertProblems(
  db: Executor,
  report: { id: string; branchId: string },
  raisedOn: string,
  problems: readonly ProblemWrite[],
  at: Date,
): Promise<LiaisonProblemRow[]> {
  if (problems.length === 0) return [];
  return db
    .insert(liaisonProblems)
    .values(
      problems.map((p) => ({
        ...p,
        reportId: report.id,
        branchId: report.branchId,
        raisedOn,
        createdAt: at,
        updatedAt: at,
      })),
    )
    .returning();
}

export async function problemsOfReport(db: Executor, reportId: string): Promise<LiaisonProblemRow[]> {
  return db
    .select()
    .from(liaisonProblems)
    .where(eq(liaisonProblems.reportId, reportId))
    .orderBy(asc(liaisonProblems.position), asc(liaisonProblems.createdAt));
}

/** An edit drops lines nobody has acted on yet; a problem with any status change stays on file. */
export async function deleteUntouchedProblems(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(liaisonProblems)
    .where(
      and(
        inArray(liaisonProblems.id, [...ids]),
        eq(liaisonProblems.status, "open"),
        sql`jsonb_array_length(${liaisonProblems.history}) = 0`,
      ),
    );
}

export interface ProblemView extends LiaisonProblemRow {
  leaderId: string;
  leaderName: string;
  branchName: string;
  orgId: string;
  month: string;
  ownerName: string | null;
  ownerActive: boolean | null;
}

const problemView = {
  problem: liaisonProblems,
  leaderId: liaisonReports.leaderId,
  month: liaisonReports.month,
  branchName: branches.name,
  orgId: branches.orgId,
  leaderName: sql<string>`(select name from members l where l.id = ${liaisonReports.leaderId})`,
  ownerName: members.name,
  ownerActive: members.active,
};

type ProblemViewRow = {
  problem: LiaisonProblemRow;
  leaderId: string;
  month: string;
  branchName: string;
  orgId: string;
  leaderName: string;
  ownerName: string | null;
  ownerActive: boolean | null;
};
const flat = (r: ProblemViewRow): ProblemView => ({
  ...r.problem,
  leaderId: r.leaderId,
  leaderName: r.leaderName,
  month: r.month,
  branchName: r.branchName,
  orgId: r.orgId,
  ownerName: r.ownerName,
  ownerActive: r.ownerActive,
});

function problemQuery(db: Executor) {
  return db
    .select(problemView)
    .from(liaisonProblems)
    .innerJoin(liaisonReports, eq(liaisonReports.id, liaisonProblems.reportId))
    .innerJoin(branches, eq(branches.id, liaisonProblems.branchId))
    .leftJoin(members, eq(members.id, liaisonProblems.ownerId));
}

export async function findProblem(db: Executor, id: string): Promise<ProblemView | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await problemQuery(db).where(eq(liaisonProblems.id, id));
  return row ? flat(row) : undefined;
}

/** A branch's problems (open ones unless `all`), oldest first. */
export async function problemsOfBranch(db: Executor, branchId: string, all: boolean): Promise<ProblemView[]> {
  const rows = await problemQuery(db)
    .where(
      and(eq(liaisonProblems.branchId, branchId), all ? undefined : ne(liaisonProblems.status, "resolved")),
    )
    .orderBy(asc(liaisonProblems.raisedOn), asc(liaisonProblems.position));
  return rows.map(flat);
}

/** Problems a member answers for or raised (open ones unless `all`), oldest first. */
export async function problemsOfMember(db: Executor, memberId: string, all: boolean): Promise<ProblemView[]> {
  const rows = await problemQuery(db)
    .where(
      and(
        or(eq(liaisonProblems.ownerId, memberId), eq(liaisonReports.leaderId, memberId)),
        all ? undefined : ne(liaisonProblems.status, "resolved"),
      ),
    )
    .orderBy(asc(liaisonProblems.raisedOn), asc(liaisonProblems.position));
  return rows.map(flat);
}

/** Every problem of the organisation (for statistics and the ledger), oldest first. */
export async function problemsOfOrg(db: Executor, orgId: string): Promise<ProblemView[]> {
  const rows = await problemQuery(db)
    .where(eq(branches.orgId, orgId))
    .orderBy(asc(liaisonProblems.raisedOn), asc(liaisonProblems.position));
  return rows.map(flat);
}

/** Problems of these branches, oldest first (the ledger export). */
export async function problemsOfBranches(db: Executor, branchIds: readonly string[]): Promise<ProblemView[]> {
  if (branchIds.length === 0) return [];
  const rows = await problemQuery(db)
    .where(inArray(liaisonProblems.branchId, [...branchIds]))
    .orderBy(asc(liaisonProblems.raisedOn), asc(branches.code), asc(liaisonProblems.position));
  return rows.map(flat);
}

/**
 * A status change, only from the status the caller read: a second click racing the first finds the
 * row changed and gets false.
 */
export async function updateProblemStatus(
  db: Executor,
  id: string,
  from: ProblemStatus,
  change: {
    status: ProblemStatus;
    resolution: string | undefined;
    resolvedOn: string | undefined;
    coordinationNeed: string | undefined;
    ownerId?: string | null;
    entry: ProblemHistoryEntry;
    at: Date;
  },
): Promise<boolean> {
  const rows = await db
    .update(liaisonProblems)
    .set({
      status: change.status,
      ...(change.resolution !== undefined ? { resolution: change.resolution } : {}),
      ...(change.resolvedOn !== undefined ? { resolvedOn: change.resolvedOn } : {}),
      ...(change.coordinationNeed !== undefined ? { coordinationNeed: change.coordinationNeed } : {}),
      ...(change.ownerId !== undefined ? { ownerId: change.ownerId } : {}),
      history: sql`${liaisonProblems.history} || ${JSON.stringify([change.entry])}::jsonb`,
      updatedAt: change.at,
    })
    .where(and(eq(liaisonProblems.id, id), eq(liaisonProblems.status, from)))
    .returning({ id: liaisonProblems.id });
  return rows.length > 0;
}

/** Hands a problem to a new owner (the roster fallback), recorded in its history. */
export async function reassignProblem(
  db: Executor,
  id: string,
  ownerId: string,
  entry: ProblemHistoryEntry,
  at: Date,
): Promise<void> {
  await db
    .update(liaisonProblems)
    .set({
      ownerId,
      history: sql`${liaisonProblems.history} || ${JSON.stringify([entry])}::jsonb`,
      updatedAt: at,
    })
    .where(eq(liaisonProblems.id, id));
}

/** Unresolved problems with the day of their last overdue nudge (read from the outbox). */
export async function unresolvedProblemsForNudges(db: Executor, nudgeKind: string) {
  const rows = await db
    .select({
      id: liaisonProblems.id,
      branchId: liaisonProblems.branchId,
      ownerId: liaisonProblems.ownerId,
      status: liaisonProblems.status,
      raisedOn: liaisonProblems.raisedOn,
      orgId: branches.orgId,
    })
    .from(liaisonProblems)
    .innerJoin(branches, eq(branches.id, liaisonProblems.branchId))
    .where(ne(liaisonProblems.status, "resolved"));
  if (rows.length === 0) return [];
  const last = await db
    .select({ subject: outbox.subject, at: max(outbox.dueAt) })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, nudgeKind),
        inArray(
          outbox.subject,
          rows.map((r) => `liaison-problem:${r.id}`),
        ),
        inArray(outbox.state, ["pending", "sent"]),
      ),
    )
    .groupBy(outbox.subject);
  const lastAt = new Map(last.map((l) => [l.subject, l.at]));
  return rows.map((r) => ({ ...r, lastNudgedAt: lastAt.get(`liaison-problem:${r.id}`) ?? undefined }));
}

/** Directory data for owners: who is active, names, each branch's 书记 and name. */
export async function ownerDirectoryData(db: Executor, orgId: string) {
  const people = await db
    .select({
      id: members.id,
      name: members.name,
      active: members.active,
      branchId: members.branchId,
      role: members.role,
    })
    .from(members)
    .where(eq(members.orgId, orgId));
  const branchRows = await db
    .select({ id: branches.id, name: branches.name, kind: branches.kind })
    .from(branches)
    .where(and(eq(branches.orgId, orgId), eq(branches.active, true)));
  return { people, branches: branchRows };
}

/** Reports with leader and branch names, for the ledger and the statistics, newest month first. */
export async function reportsOfBranches(
  db: Executor,
  branchIds: readonly string[],
  fromMonth: string,
  toMonth: string,
) {
  if (branchIds.length === 0) return [];
  return db
    .select({
      report: liaisonReports,
      leaderName: members.name,
      branchName: branches.name,
      branchCode: branches.code,
    })
    .from(liaisonReports)
    .innerJoin(members, eq(members.id, liaisonReports.leaderId))
    .innerJoin(branches, eq(branches.id, liaisonReports.branchId))
    .where(
      and(
        inArray(liaisonReports.branchId, [...branchIds]),
        gte(liaisonReports.month, fromMonth),
        lte(liaisonReports.month, toMonth),
      ),
    )
    .orderBy(desc(liaisonReports.month), asc(branches.code), asc(members.code));
}
