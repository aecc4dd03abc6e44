import { and, asc, eq, inArray } from "drizzle-orm";
import { members } from "../schema.ts";
import type { Executor } from "../types.ts";

/** The branch's secretary; the deputy when there is none (a vacancy happens between elections). */
export async function branchSecretaries(db: Executor, branchId: string) {
  const rows = await db
    .select()
    .from(members)
    .where(
      and(
        eq(members.branchId, branchId),
        eq(members.active, true),
        inArray(members.role, ["secretary", "deputy_secretary"]),
      ),
    )
    .orderBy(asc(members.code));
  const secretaries = rows.filter((r) => r.role === "secretary");
  return secretaries.length > 0 ? secretaries : rows;
}

export async function membersByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select().from(members).where(inArray(members.id, ids)).orderBy(asc(members.code));
}

/** The branch's active members, id and name, in no particular order. */
export async function activeBranchMemberNames(
  db: Executor,
  branchId: string,
): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: members.id, name: members.name })
    .from(members)
    .where(and(eq(members.branchId, branchId), eq(members.active, true)));
}
