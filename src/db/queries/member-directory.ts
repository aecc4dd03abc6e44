import { and, asc, eq, inArray } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { memberIdentities, members } from "../schema.ts";
import type { Executor } from "../types.ts";

/** The id each platform addresses a person by (Feishu open_id, DingTalk staffId). */
const ADDRESS_KIND = { feishu: "open_id", dingtalk: "staff_id" } as const;

/** memberId → the platform id to send them a private message. Members without one are left out. */
export async function platformAddresses(
  db: Executor,
  platform: PlatformName,
  memberIds: string[],
): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db
    .select({ memberId: memberIdentities.memberId, value: memberIdentities.value })
    .from(memberIdentities)
    .where(
      and(
        eq(memberIdentities.platform, platform),
        eq(memberIdentities.kind, ADDRESS_KIND[platform]),
        inArray(memberIdentities.memberId, memberIds),
      ),
    );
  return new Map(rows.map((r) => [r.memberId, r.value]));
}

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
