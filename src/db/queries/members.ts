import { and, eq, or } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { memberIdentities, members } from "../schema.ts";
import type { Executor } from "../types.ts";

export type MemberRow = typeof members.$inferSelect;
export type IdentityKind = (typeof memberIdentities.$inferSelect)["kind"];

/**
 * The active member behind a platform identity. Platforms send several ids (Feishu: open_id,
 * user_id, union_id); the roster may store any of them.
 */
export async function findMemberByIdentity(
  db: Executor,
  platform: PlatformName,
  ids: { kind: IdentityKind; value: string }[],
): Promise<MemberRow | undefined> {
  const usable = ids.filter((i) => i.value);
  if (usable.length === 0) return undefined;
  const rows = await db
    .select({ member: members })
    .from(memberIdentities)
    .innerJoin(members, eq(members.id, memberIdentities.memberId))
    .where(
      and(
        eq(memberIdentities.platform, platform),
        eq(members.active, true),
        or(...usable.map((i) => and(eq(memberIdentities.kind, i.kind), eq(memberIdentities.value, i.value)))),
      ),
    )
    .limit(1);
  return rows[0]?.member;
}
