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
 * The active member behind a platform identity. Platforms send several ids (Feishu: open_id,
 * user_id, union_id); the roster may store any of them.
 */
export async function findMemberByIdentity(
  db: Executor,
  platform: PlatformName,
  ids: { kind: IdentityKind; value: string }[],
): Promise<MemberRow | undefined> {
  return (await findMembersByIdentity(db, [{ platform, ids }]))[0];
}

/** Many lookups in one statement (a burst of clicks is answered together); answers in the lookups' order. */
export async function findMembersByIdentity(
  db: Executor,
  lookups: readonly IdentityLookup[],
): Promise<(MemberRow | undefined)[]> {
  const usable = lookups.map((l) => l.ids.filter((i) => i.value));
  const wanted = lookups.flatMap((l, n) => (usable[n] ?? []).map((i) => ({ platform: l.platform, ...i })));
  if (wanted.length === 0) return lookups.map(() => undefined);
  const distinct = <T>(xs: T[]) => [...new Set(xs)];
  const rows = await selectByIdentity(db, {
    platforms: distinct(wanted.map((w) => w.platform)),
    kinds: distinct(wanted.map((w) => w.kind)),
    values: distinct(wanted.map((w) => w.value)),
  });
  // The statement matches each column against a list, so it stays one cached statement whatever the
  // batch; whole (platform, kind, value) triples are matched here.
  const byIdentity = new Map(rows.map((r) => [`${r.platform}\u0000${r.kind}\u0000${r.value}`, r.member]));
  return lookups.map((l, n) =>
    (usable[n] ?? [])
      .map((i) => byIdentity.get(`${l.platform}\u0000${i.kind}\u0000${i.value}`))
      .find((m) => m !== undefined),
  );
}

const selectByIdentity = preparedStatement((db) =>
  db
    .select({
      member: members,
      platform: memberIdentities.platform,
      kind: memberIdentities.kind,
      value: memberIdentities.value,
    })
    .from(memberIdentities)
    .innerJoin(members, eq(members.id, memberIdentities.memberId))
    .where(
      and(
        sql`${memberIdentities.platform} = any(${arrayParam("platforms", "platform")})`,
        sql`${memberIdentities.kind} = any(${arrayParam("kinds", "identity_kind")})`,
        sql`${memberIdentities.value} = any(${arrayParam("values", "text")})`,
        eq(members.active, true),
      ),
    )
    .prepare("members_by_identity"),
);
