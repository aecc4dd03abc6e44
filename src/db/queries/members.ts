import { and, eq, sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
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
  const rows = await selectByIdentity(db, { platform, values: usable.map((i) => i.value) });
  // The statement matches values only, so it stays one cached statement; the kinds are checked here.
  return rows.find((r) => usable.some((i) => i.kind === r.kind && i.value === r.value))?.member;
}

const selectByIdentity = preparedStatement((db) =>
  db
    .select({ member: members, kind: memberIdentities.kind, value: memberIdentities.value })
    .from(memberIdentities)
    .innerJoin(members, eq(members.id, memberIdentities.memberId))
    .where(
      and(
        eq(memberIdentities.platform, sql.placeholder("platform")),
        sql`${memberIdentities.value} = any(${sql.placeholder("values")}::text[])`,
        eq(members.active, true),
      ),
    )
    .prepare("member_by_identity"),
);
