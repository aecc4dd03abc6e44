import { sql } from "drizzle-orm";
import { rawRows } from "../raw-rows.ts";
import type { Database } from "../types.ts";

/**
 * One holder at a time patches a live card, across processes and isolates (table card_patches).
 * Every statement is a single round trip that the row's lock serialises; times are the database's.
 */

export interface CardPatchClaim {
  /** True when this caller now holds the card and must patch it. */
  mine: boolean;
  /** The count of requests seen when claiming; the release compares it. */
  wanted: number;
  /** How long to wait before patching, so the card's last patch (by anyone) is `intervalMs` old. */
  waitMs: number;
}

/**
 * Asks for a patch of (subject, platform): always counted in `wanted`, and taken by `holder` when no one
 * holds the card or its holder's time ran out. A caller that does not get it has nothing more to do:
 * the holder sees `wanted` changed and patches again with the counts as they are then.
 */
export async function claimCardPatch(
  db: Database,
  input: { subject: string; platform: string; holder: string; leaseMs: number; intervalMs: number },
): Promise<CardPatchClaim> {
  const lease = `${input.leaseMs} milliseconds`;
  const [row] = await rawRows(
    db,
    sql`insert into card_patches (subject, platform, holder, held_until, wanted)
        values (${input.subject}, ${input.platform}, ${input.holder}, now() + ${lease}::interval, 1)
        on conflict (subject, platform) do update set
          wanted = card_patches.wanted + 1,
          holder = case when card_patches.holder is null or card_patches.held_until < now()
                        then excluded.holder else card_patches.holder end,
          held_until = case when card_patches.holder is null or card_patches.held_until < now()
                            then excluded.held_until else card_patches.held_until end
        returning holder, wanted::text as wanted,
          greatest(0, ceil(extract(epoch from (patched_at + ${`${input.intervalMs} milliseconds`}::interval - now())) * 1000))::int as wait_ms`,
  );
  return {
    mine: row?.holder === input.holder,
    wanted: Number(row?.wanted ?? 0),
    waitMs: Number(row?.wait_ms ?? 0),
  };
}

export type CardPatchRelease =
  /** Done: nobody asked for a patch since the claim (or the last round). */
  | { kind: "released" }
  /** Someone asked meanwhile: still held (lease renewed), patch again and release with this `wanted`. */
  | { kind: "again"; wanted: number }
  /** The lease ran out and someone else holds the card now; they patch. */
  | { kind: "lost" };

/** After a patch was sent (or found nothing to send): release, or keep the card for another round. */
export async function releaseCardPatch(
  db: Database,
  input: { subject: string; platform: string; holder: string; wanted: number; leaseMs: number },
): Promise<CardPatchRelease> {
  const [row] = await rawRows(
    db,
    sql`update card_patches set
          holder = case when wanted = ${input.wanted} then null else holder end,
          held_until = case when wanted = ${input.wanted} then null
                            else now() + ${`${input.leaseMs} milliseconds`}::interval end,
          patched_at = now()
        where subject = ${input.subject} and platform = ${input.platform} and holder = ${input.holder}
        returning holder, wanted::text as wanted`,
  );
  if (!row) return { kind: "lost" };
  return row.holder == null ? { kind: "released" } : { kind: "again", wanted: Number(row.wanted) };
}

/**
 * Cards whose holder's time ran out (a process or isolate that died mid-patch): the caller patches
 * them again, so a card left at an old count by a crash is brought up to date.
 */
export async function abandonedCardPatches(db: Database): Promise<{ subject: string; platform: string }[]> {
  const rows = await rawRows(
    db,
    sql`select subject, platform::text as platform from card_patches
        where holder is not null and held_until < now() limit 100`,
  );
  return rows.map((r) => ({ subject: String(r.subject), platform: String(r.platform) }));
}
