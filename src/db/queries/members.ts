import { and, eq, sql } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
import { memberIdentities, members } from "../schema.ts";
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
