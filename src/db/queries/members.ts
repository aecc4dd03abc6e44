import { and, eq, sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
import { memberIdentities, members, organisations } from "../schema.ts";
import type { Executor } from "../types.ts";
import { arrayParam } from "../unnest.ts";

export type MemberRow = typeof members.$inferSelect;
export type IdentityKind = (typeof memberIdentities.$inferSelect)["kind"];

export interface IdentityLookup {
  platform: PlatformName;
  ids: { kind: IdentityKind; value: string }[];
}

/**
 * The active member behind each platform identity, in the lookups' order. Platforms send several ids
 * (Feishu: open_id, user_id, union_id); the roster may store any of them. Many lookups are one
 * statement: a burst of clicks is answered together (src/db/coalesced-queries.ts).
 */
export async function findMembersByIdentity(
  db: Executor,
  lookups: readonly IdentityLookup[],
): Promise<(MemberRow | undefined)[]> {
  const usable = lookups.map((l) => l.ids.filter((i) => i.value));
  const wanted = lookups.flatMap((l, n) => (usable[n] ?? []).map((i) => ({ platform: l.platform, ...i })));
  if (wanted.length === 0) return lookups.map(() => undefined);
  const rows = await selectByIdentity(db, {
    platforms: wanted.map((w) => w.platform),
    kinds: wanted.map((w) => w.kind),
    values: wanted.map((w) => w.value),
  });
  const byIdentity = new Map(rows.map((r) => [`${r.platform}\u0000${r.kind}\u0000${r.value}`, r.member]));
  return lookups.map((l, n) =>
    (usable[n] ?? [])
      .map((i) => byIdentity.get(`${l.platform}\u0000${i.kind}\u0000${i.value}`))
      .find((m) => m !== undefined),
  );
}

// Joined to the list rather than matched with `= any(…)` per column: the list's rows are looked up one by
// one in the unique index, a plan Postgres can keep for every batch instead of planning each one anew.
const selectByIdentity = preparedStatement((db) =>
  db
    .select({
      member: members,
      platform: memberIdentities.platform,
      kind: memberIdentities.kind,
      value: memberIdentities.value,
    })
    .from(
      sql`unnest(${arrayParam("platforms", "platform")}, ${arrayParam("kinds", "identity_kind")}, ${arrayParam("values", "text")}) as q(platform, kind, value)`,
    )
    .innerJoin(
      memberIdentities,
      sql`(${memberIdentities.platform}, ${memberIdentities.kind}, ${memberIdentities.value}) = (q.platform, q.kind, q.value)`,
    )
    .innerJoin(members, and(eq(members.id, memberIdentities.memberId), eq(members.active, true)))
    .prepare("members_by_identity"),
);

/**
 * The ids stored for an organisation's members (by member code), so a roster import that cannot ask a
 * platform keeps what an earlier import found there.
 */
export async function storedIdentitiesByCode(
  db: Executor,
  orgCode: string,
): Promise<Map<string, { platform: PlatformName; kind: IdentityKind; value: string }[]>> {
  const rows = await db
    .select({
      code: members.code,
      platform: memberIdentities.platform,
      kind: memberIdentities.kind,
      value: memberIdentities.value,
    })
    .from(memberIdentities)
    .innerJoin(members, eq(members.id, memberIdentities.memberId))
    .innerJoin(organisations, eq(organisations.id, members.orgId))
    .where(eq(organisations.code, orgCode));
  const out = new Map<string, { platform: PlatformName; kind: IdentityKind; value: string }[]>();
  for (const r of rows)
    out.set(r.code, [...(out.get(r.code) ?? []), { platform: r.platform, kind: r.kind, value: r.value }]);
  return out;
}
