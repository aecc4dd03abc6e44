/** 外出: members' absences, as the 外出 command writes them and the planners read them. */
import { and, asc, eq, gte, inArray, isNull, lte } from "drizzle-orm";
import type { LeavePeriod, StoredAway } from "../../domain/away.ts";
import { awayPeriods } from "../schema.ts";
import type { Executor } from "../types.ts";

export type AwayRow = typeof awayPeriods.$inferSelect;

const stored = (r: AwayRow): StoredAway & { row: AwayRow } => ({
  id: r.id,
  from: r.startsOn,
  to: r.endsOn,
  reason: r.reason,
  row: r,
});

/** A member's absences not withdrawn that end on or after `fromDay`, earliest first. */
export async function awayPeriodsOf(db: Executor, memberId: string, fromDay: string) {
  const rows = await db
    .select()
    .from(awayPeriods)
    .where(
      and(
        eq(awayPeriods.memberId, memberId),
        isNull(awayPeriods.cancelledAt),
        gte(awayPeriods.endsOn, fromDay),
      ),
    )
    .orderBy(asc(awayPeriods.startsOn));
  return rows.map(stored);
}

/**
 * Every absence (not withdrawn) sharing a day with `from`–`to`, for the planners; optionally only these
 * members'. Small: an organ has a few hundred people away at most on any day.
 */
export async function awayBetween(
  db: Executor,
  from: string,
  to: string,
  memberIds?: readonly string[],
): Promise<LeavePeriod[]> {
  if (memberIds && memberIds.length === 0) return [];
  const rows = await db
    .select({
      memberId: awayPeriods.memberId,
      from: awayPeriods.startsOn,
      to: awayPeriods.endsOn,
      reason: awayPeriods.reason,
    })
    .from(awayPeriods)
    .where(
      and(
        isNull(awayPeriods.cancelledAt),
        gte(awayPeriods.endsOn, from),
        lte(awayPeriods.startsOn, to),
        memberIds ? inArray(awayPeriods.memberId, [...memberIds]) : undefined,
      ),
    );
  return rows;
}

export async function insertAwayPeriod(
  db: Executor,
  p: { orgId: string; memberId: string; from: string; to: string; reason: string; by: string; at: Date },
): Promise<AwayRow> {
  const [row] = await db
    .insert(awayPeriods)
    .values({
      orgId: p.orgId,
      memberId: p.memberId,
      startsOn: p.from,
      endsOn: p.to,
      reason: p.reason,
      recordedBy: p.by,
      createdAt: p.at,
      updatedAt: p.at,
    })
    .returning();
  if (!row) throw new Error("insert away period returned nothing");
  return row;
}

export async function cancelAwayPeriod(db: Executor, id: string, at: Date): Promise<void> {
  await db.update(awayPeriods).set({ cancelledAt: at, updatedAt: at }).where(eq(awayPeriods.id, id));
}

/** Back early: the absence ends on `to` (yesterday), so the days already away stay recorded. */
export async function shortenAwayPeriod(db: Executor, id: string, to: string, at: Date): Promise<void> {
  await db.update(awayPeriods).set({ endsOn: to, updatedAt: at }).where(eq(awayPeriods.id, id));
}
