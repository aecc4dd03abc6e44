/**
 * What 支部情况 / 机关情况 read of the organisation itself (branches, 党小组, who is whose liaison
 * leader, where the 机关党委 is reached). Meetings, 第一议题 and 联系点 figures come from those features'
 * summaries, not from here.
 */
import { and, eq, gte, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { CadenceOverride } from "../../domain/cadence.ts";
import { branches, liaisonAssignments, organisations, outbox, partyGroups } from "../schema.ts";
import type { Executor } from "../types.ts";

export interface StatusBranchRow {
  id: string;
  orgId: string;
  code: string;
  name: string;
  kind: "organ_committee" | "general_branch" | "branch";
  parentId: string | null;
  termYears: number;
  electedOn: string | null;
  /** Local date the branch was first recorded. */
  createdOn: string;
  partyGroups: { id: string; name: string; createdOn: string }[];
}

/**
 * The roster's meeting frequencies: the organisation's and those of the branches (党总支 included) that
 * set their own. Few rows: most organs set one organisation-wide rule, if any.
 */
export async function cadenceOverrides(
  db: Executor,
  orgId: string,
): Promise<{ org: CadenceOverride | null; branches: Map<string, CadenceOverride> }> {
  const [org, own] = await Promise.all([
    db.select({ cadence: organisations.cadence }).from(organisations).where(eq(organisations.id, orgId)),
    db
      .select({ id: branches.id, cadence: branches.cadence })
      .from(branches)
      .where(and(eq(branches.orgId, orgId), isNotNull(branches.cadence))),
  ]);
  return {
    org: org[0]?.cadence ?? null,
    branches: new Map(own.flatMap((b) => (b.cadence ? [[b.id, b.cadence] as const] : []))),
  };
}

/** Active branches of any kind, with their active 党小组; all of the organisation's when `ids` is omitted. */
export async function statusBranches(
  db: Executor,
  q: { orgId: string; ids?: readonly string[]; timeZone: string },
): Promise<StatusBranchRow[]> {
  const local = (c: typeof branches.createdAt) =>
    sql<string>`to_char(${c} at time zone ${q.timeZone}, 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      id: branches.id,
      orgId: branches.orgId,
      code: branches.code,
      name: branches.name,
      kind: branches.kind,
      parentId: branches.parentId,
      termYears: branches.termYears,
      electedOn: branches.committeeElectedOn,
      createdOn: local(branches.createdAt),
    })
    .from(branches)
    .where(
      and(
        eq(branches.orgId, q.orgId),
        eq(branches.active, true),
        q.ids ? inArray(branches.id, [...q.ids]) : undefined,
      ),
    )
    .orderBy(branches.code);
  if (rows.length === 0) return [];
  const groups = await db
    .select({
      id: partyGroups.id,
      branchId: partyGroups.branchId,
      name: partyGroups.name,
      createdOn: sql<string>`to_char(${partyGroups.createdAt} at time zone ${q.timeZone}, 'YYYY-MM-DD')`,
    })
    .from(partyGroups)
    .where(
      and(
        eq(partyGroups.active, true),
        q.ids
          ? inArray(partyGroups.branchId, [...q.ids])
          : inArray(
              partyGroups.branchId,
              rows.map((r) => r.id),
            ),
      ),
    )
    .orderBy(partyGroups.name);
  const byBranch = new Map<string, StatusBranchRow["partyGroups"]>();
  for (const g of groups) {
    const list = byBranch.get(g.branchId) ?? [];
    list.push({ id: g.id, name: g.name, createdOn: g.createdOn });
    byBranch.set(g.branchId, list);
  }
  return rows.map((r) => ({ ...r, partyGroups: byBranch.get(r.id) ?? [] }));
}

export interface LiaisonSpan {
  branchId: string;
  leaderId: string;
  from: string;
  to: string | null;
}

/** Roster liaison assignments of these branches overlapping [from, today]. */
export async function liaisonSpans(
  db: Executor,
  q: { branchIds?: readonly string[]; orgId: string; from: string },
): Promise<LiaisonSpan[]> {
  const rows = await db
    .select({
      branchId: liaisonAssignments.branchId,
      leaderId: liaisonAssignments.leaderId,
      from: liaisonAssignments.validFrom,
      to: liaisonAssignments.validTo,
    })
    .from(liaisonAssignments)
    .innerJoin(branches, eq(branches.id, liaisonAssignments.branchId))
    .where(
      and(
        eq(branches.orgId, q.orgId),
        q.branchIds ? inArray(liaisonAssignments.branchId, [...q.branchIds]) : undefined,
        or(isNull(liaisonAssignments.validTo), gte(liaisonAssignments.validTo, q.from)),
      ),
    );
  return rows;
}

/** The branches a leader is liaison for on `today`. */
export async function liaisonBranchIdsOf(db: Executor, leaderId: string, today: string): Promise<string[]> {
  const rows = await db
    .select({ id: liaisonAssignments.branchId })
    .from(liaisonAssignments)
    .where(
      and(
        eq(liaisonAssignments.leaderId, leaderId),
        sql`${liaisonAssignments.validFrom} <= ${today}`,
        or(isNull(liaisonAssignments.validTo), gte(liaisonAssignments.validTo, today)),
      ),
    );
  return [...new Set(rows.map((r) => r.id))];
}

/** How many of these outbox keys were ever queued (by the unique key's index): a digest already planned. */
export async function countQueuedKeys(db: Executor, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(inArray(outbox.idempotencyKey, [...keys]));
  return rows.length;
}
