import { and, asc, eq, gte, inArray, lt, ne, sql } from "drizzle-orm";
import type { AttendanceStatus } from "../../domain/attendance.ts";
import type { MeetingKind } from "../../domain/labels.ts";
import type { PlatformName } from "../../platforms/types.ts";
import { preparedStatement } from "../prepared.ts";
import {
  attendance,
  leadingBodyMembers,
  meetingCards,
  meetingInvitees,
  meetings,
  members,
  outbox,
} from "../schema.ts";
import type { Executor } from "../types.ts";
import { arrayParam, selectInColumnOrder } from "../unnest.ts";
import { recordAudit } from "./audit.ts";

export type MeetingRow = typeof meetings.$inferSelect;

/** Joins an invitee to their attendance record (if any) for the same meeting. */
export const attendanceOfInvitee = and(
  eq(attendance.meetingId, meetingInvitees.meetingId),
  eq(attendance.memberId, meetingInvitees.memberId),
);
export type AttendanceRow = typeof attendance.$inferSelect;

/** Who is expected at a meeting of this kind: the branch, one Party group, or a leading body. */
export async function expectedAttendeeIds(
  db: Executor,
  scope: { orgId: string; branchId: string | null; kind: MeetingKind; partyGroupId: string | null },
): Promise<string[]> {
  if (scope.kind === "leading_group" || scope.kind === "central_group") {
    const rows = await db
      .select({ id: members.id })
      .from(leadingBodyMembers)
      .innerJoin(members, eq(members.id, leadingBodyMembers.memberId))
      .where(
        and(
          eq(leadingBodyMembers.orgId, scope.orgId),
          eq(leadingBodyMembers.body, scope.kind),
          eq(members.active, true),
        ),
      )
      .orderBy(asc(members.code));
    return rows.map((r) => r.id);
  }
  if (!scope.branchId) return [];
  const conditions = [eq(members.branchId, scope.branchId), eq(members.active, true)];
  if (scope.kind === "party_group" && scope.partyGroupId)
    conditions.push(eq(members.partyGroupId, scope.partyGroupId));
  // A 支部委员会 is the branch committee's meeting, not the whole branch's.
  if (scope.kind === "committee")
    conditions.push(inArray(members.role, ["secretary", "deputy_secretary", "committee_member"]));
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(and(...conditions))
    .orderBy(asc(members.code));
  return rows.map((r) => r.id);
}

export interface NewMeeting {
  orgId: string;
  branchId: string | null;
  partyGroupId: string | null;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  createdBy: string | null;
}

/** Creates the meeting with its invitees fixed now, so later roster changes do not rewrite who was expected. */
export async function insertMeeting(
  db: Executor,
  input: NewMeeting,
  inviteeIds: string[],
  now: Date,
): Promise<MeetingRow> {
  const [row] = await db
    .insert(meetings)
    .values({ ...input, createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error("insert meeting returned nothing");
  if (inviteeIds.length > 0) {
    await db.insert(meetingInvitees).values(inviteeIds.map((memberId) => ({ meetingId: row.id, memberId })));
  }
  await recordAudit(db, {
    orgId: input.orgId,
    actorId: input.createdBy,
    action: "create",
    entity: "meeting",
    entityId: row.id,
    after: { kind: input.kind, title: input.title, startsAt: input.startsAt, place: input.place },
    at: now,
  });
  return row;
}

export async function findMeeting(db: Executor, id: string): Promise<MeetingRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(meetings).where(eq(meetings.id, id));
  return row;
}

export async function updateMeeting(
  db: Executor,
  id: string,
  patch: Partial<Pick<MeetingRow, "title" | "startsAt" | "endsAt" | "place" | "cancelledReason">>,
  actorId: string | null,
  now: Date,
): Promise<MeetingRow | undefined> {
  const [before] = await db.select().from(meetings).where(eq(meetings.id, id));
  if (!before) return undefined;
  const [row] = await db
    .update(meetings)
    .set({ ...patch, updatedAt: now })
    .where(eq(meetings.id, id))
    .returning();
  await recordAudit(db, {
    orgId: before.orgId,
    actorId,
    action: "update",
    entity: "meeting",
    entityId: id,
    before: Object.fromEntries(Object.keys(patch).map((k) => [k, before[k as keyof MeetingRow]])),
    after: patch,
    at: now,
  });
  return row;
}

/**
 * Moves a meeting between states only from the expected ones, atomically: two secretaries pressing
 * 结束签到 together close it once.
 */
export async function transitionMeeting(
  db: Executor,
  id: string,
  from: MeetingRow["state"][],
  to: MeetingRow["state"],
  options: { actorId: string | null; actorLabel?: string; now: Date; reason?: string },
): Promise<MeetingRow | undefined> {
  const [row] = await db
    .update(meetings)
    .set({
      state: to,
      updatedAt: options.now,
      ...(to === "closed" ? { closedAt: options.now } : {}),
      ...(to === "cancelled" ? { cancelledReason: options.reason ?? null } : {}),
    })
    .where(and(eq(meetings.id, id), inArray(meetings.state, from)))
    .returning();
  if (row) {
    await recordAudit(db, {
      orgId: row.orgId,
      actorId: options.actorId,
      actorLabel: options.actorLabel ?? null,
      action: to === "closed" ? "close" : to === "cancelled" ? "cancel" : to === "open" ? "open" : "update",
      entity: "meeting",
      entityId: id,
      before: { state: from },
      after: { state: to, reason: options.reason ?? null },
      at: options.now,
    });
  }
  return row;
}

export interface InviteeRow {
  memberId: string;
  name: string;
  code: string;
  role: string;
}

export async function listInvitees(db: Executor, meetingId: string): Promise<InviteeRow[]> {
  return db
    .select({ memberId: members.id, name: members.name, code: members.code, role: members.role })
    .from(meetingInvitees)
    .innerJoin(members, eq(members.id, meetingInvitees.memberId))
    .where(eq(meetingInvitees.meetingId, meetingId))
    .orderBy(asc(members.code));
}

export async function isInvitee(db: Executor, meetingId: string, memberId: string): Promise<boolean> {
  const [row] = await db
    .select({ m: meetingInvitees.memberId })
    .from(meetingInvitees)
    .where(and(eq(meetingInvitees.meetingId, meetingId), eq(meetingInvitees.memberId, memberId)));
  return Boolean(row);
}

export interface AttendanceContext {
  meeting: MeetingRow;
  invited: boolean;
  existing: AttendanceRow | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What sign-in and leave clicks need, in one round trip for many clicks: the meeting, whether the member
 * is expected, and their record so far; in the clicks' order, undefined where the meeting is unknown.
 */
export async function loadAttendanceContexts(
  db: Executor,
  clicks: readonly { meetingId: string; memberId: string }[],
): Promise<(AttendanceContext | undefined)[]> {
  // A card's value comes from outside: an id that is not a uuid names no meeting (and must not fail the batch).
  const valid = clicks.filter((c) => UUID.test(c.meetingId) && UUID.test(c.memberId));
  const rows =
    valid.length === 0
      ? []
      : await selectAttendanceContexts(db, {
          meetingIds: valid.map((c) => c.meetingId),
          memberIds: valid.map((c) => c.memberId),
        });
  const found = new Map(
    rows.map((r) => [
      `${r.meeting.id}/${r.memberId}`,
      { meeting: r.meeting, invited: r.invitee !== null, existing: r.existing ?? undefined },
    ]),
  );
  return clicks.map((c) => found.get(`${c.meetingId.toLowerCase()}/${c.memberId.toLowerCase()}`));
}

const selectAttendanceContexts = preparedStatement((db) =>
  db
    .select({
      memberId: sql<string>`q.member_id`,
      meeting: meetings,
      invitee: meetingInvitees.memberId,
      existing: attendance,
    })
    .from(
      sql`unnest(${arrayParam("meetingIds", "uuid")}, ${arrayParam("memberIds", "uuid")}) as q(meeting_id, member_id)`,
    )
    .innerJoin(meetings, sql`${meetings.id} = q.meeting_id`)
    .leftJoin(
      meetingInvitees,
      sql`${meetingInvitees.meetingId} = q.meeting_id and ${meetingInvitees.memberId} = q.member_id`,
    )
    .leftJoin(
      attendance,
      sql`${attendance.meetingId} = q.meeting_id and ${attendance.memberId} = q.member_id`,
    )
    .prepare("attendance_contexts"),
);

/**
 * Live counts for the sign-in card, counted by the database: the card is re-rendered several times a
 * second during a burst, and fetching every row of a large meeting each time would cost more than the clicks.
 */
export async function countMeetingAttendance(
  db: Executor,
  meetingId: string,
): Promise<{ expected: number; present: number; late: number; leave: number; missing: number }> {
  const [row] = await db
    .select({
      expected: sql<number>`count(*)::int`,
      present: sql<number>`count(*) filter (where ${attendance.status} = 'present')::int`,
      late: sql<number>`count(*) filter (where ${attendance.status} = 'present' and ${attendance.late})::int`,
      leave: sql<number>`count(*) filter (where ${attendance.status} = 'leave')::int`,
    })
    .from(meetingInvitees)
    .leftJoin(attendance, attendanceOfInvitee)
    .where(eq(meetingInvitees.meetingId, meetingId));
  const c = {
    expected: Number(row?.expected ?? 0),
    present: Number(row?.present ?? 0),
    late: Number(row?.late ?? 0),
    leave: Number(row?.leave ?? 0),
  };
  return { ...c, missing: c.expected - c.present - c.leave };
}

export async function findAttendance(
  db: Executor,
  meetingId: string,
  memberId: string,
): Promise<AttendanceRow | undefined> {
  const [row] = await db
    .select()
    .from(attendance)
    .where(and(eq(attendance.meetingId, meetingId), eq(attendance.memberId, memberId)));
  return row;
}

export async function listAttendance(db: Executor, meetingId: string): Promise<AttendanceRow[]> {
  return db.select().from(attendance).where(eq(attendance.meetingId, meetingId));
}

export interface AttendanceWrite {
  meetingId: string;
  memberId: string;
  status: AttendanceStatus;
  late: boolean;
  reason: string | null;
  source: AttendanceRow["source"];
  recordedBy: string | null;
  at: Date;
}

/**
 * One row per meeting × member whatever the concurrency: a repeated click finds its row already in
 * that state and writes nothing. Returns whether anything changed.
 */
export async function writeAttendance(db: Executor, w: AttendanceWrite): Promise<boolean> {
  return (await writeAttendances(db, [w]))[0] ?? false;
}

/**
 * Many writes, one statement per round: Postgres refuses to upsert the same row twice in one statement,
 * so a member's second write in the list goes in the next round, as it would have arrived after the first.
 */
export async function writeAttendances(db: Executor, writes: readonly AttendanceWrite[]): Promise<boolean[]> {
  const changed: boolean[] = writes.map(() => false);
  let pending = writes.map((w, n) => ({ w, n }));
  while (pending.length > 0) {
    const seen = new Set<string>();
    const round: typeof pending = [];
    const later: typeof pending = [];
    for (const p of pending) {
      const key = `${p.w.meetingId}/${p.w.memberId}`;
      (seen.has(key) ? later : round).push(p);
      seen.add(key);
    }
    const rows = await upsertAttendances(db, {
      meetingIds: round.map((p) => p.w.meetingId),
      memberIds: round.map((p) => p.w.memberId),
      statuses: round.map((p) => p.w.status),
      lates: round.map((p) => String(p.w.late)),
      reasons: round.map((p) => p.w.reason),
      sources: round.map((p) => p.w.source),
      recordedBys: round.map((p) => p.w.recordedBy),
      ats: round.map((p) => p.w.at.toISOString()),
    });
    const written = new Set(rows.map((r) => `${r.meetingId}/${r.memberId}`));
    for (const p of round) changed[p.n] = written.has(`${p.w.meetingId}/${p.w.memberId}`);
    pending = later;
  }
  return changed;
}

const upsertAttendances = preparedStatement((db) => {
  const p = arrayParam;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  return db
    .insert(attendance)
    .select(
      selectInColumnOrder(
        attendance,
        {
          meetingId: sql`q.meeting_id`,
          memberId: sql`q.member_id`,
          status: sql`q.status`,
          reason: sql`q.reason`,
          late: sql`q.late`,
          recordedAt: sql`q.at`,
          source: sql`q.source`,
          recordedBy: sql`q.recorded_by`,
          updatedAt: sql`q.at`,
        },
        sql`unnest(${p("meetingIds", "uuid")}, ${p("memberIds", "uuid")}, ${p("statuses", "attendance_status")},
          ${p("lates", "boolean")}, ${p("reasons", "text")}, ${p("sources", "record_source")},
          ${p("recordedBys", "uuid")}, ${p("ats", "timestamptz")})
          as q(meeting_id, member_id, status, late, reason, source, recorded_by, at)`,
      ),
    )
    .onConflictDoUpdate({
      target: [attendance.meetingId, attendance.memberId],
      set: {
        status: excluded("status"),
        late: excluded("late"),
        reason: excluded("reason"),
        source: excluded("source"),
        recordedBy: excluded("recorded_by"),
        recordedAt: excluded("recorded_at"),
        updatedAt: excluded("updated_at"),
      },
      setWhere: sql`${attendance.status} is distinct from excluded.status or ${attendance.reason} is distinct from excluded.reason`,
    })
    .returning({ meetingId: attendance.meetingId, memberId: attendance.memberId })
    .prepare("upsert_attendances");
});

/** Invitees with neither sign-in nor leave: the absentees once the meeting closes. */
export async function listMissing(db: Executor, meetingId: string): Promise<InviteeRow[]> {
  return db
    .select({ memberId: members.id, name: members.name, code: members.code, role: members.role })
    .from(meetingInvitees)
    .innerJoin(members, eq(members.id, meetingInvitees.memberId))
    .leftJoin(attendance, attendanceOfInvitee)
    .where(
      and(
        eq(meetingInvitees.meetingId, meetingId),
        sql`(${attendance.status} is null or ${attendance.status} = 'absent')`,
      ),
    )
    .orderBy(asc(members.code));
}

/** Marks every invitee without a record absent (at close), so the ledger has a row per person. */
export async function markMissingAbsent(db: Executor, meetingId: string, at: Date): Promise<number> {
  const rows = await db.execute<{ member_id: string }>(sql`
    insert into ${attendance} (meeting_id, member_id, status, late, source, recorded_at, updated_at)
    select i.meeting_id, i.member_id, 'absent', false, 'system', ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from ${meetingInvitees} i
    where i.meeting_id = ${meetingId}
    on conflict (meeting_id, member_id) do nothing
    returning member_id`);
  return Array.isArray(rows) ? rows.length : ((rows as { rows?: unknown[] }).rows?.length ?? 0);
}

export async function saveMeetingCard(
  db: Executor,
  card: {
    meetingId: string;
    platform: PlatformName;
    purpose: typeof meetingCards.$inferInsert.purpose;
    chatId: string;
    messageId: string;
  },
): Promise<void> {
  await db.insert(meetingCards).values(card).onConflictDoNothing();
}

export async function findMeetingCards(
  db: Executor,
  meetingId: string,
  purpose?: typeof meetingCards.$inferInsert.purpose,
) {
  const conditions = [eq(meetingCards.meetingId, meetingId)];
  if (purpose) conditions.push(eq(meetingCards.purpose, purpose));
  return db
    .select()
    .from(meetingCards)
    .where(and(...conditions))
    .orderBy(asc(meetingCards.createdAt));
}

/** A branch's meetings in [from, to), cancelled ones left out, oldest first. */
export async function listBranchMeetings(
  db: Executor,
  branchId: string,
  from: Date,
  to: Date,
): Promise<MeetingRow[]> {
  return db
    .select()
    .from(meetings)
    .where(
      and(
        eq(meetings.branchId, branchId),
        gte(meetings.startsAt, from),
        lt(meetings.startsAt, to),
        ne(meetings.state, "cancelled"),
      ),
    )
    .orderBy(asc(meetings.startsAt));
}

/** Meetings whose end has passed but that are still open for sign-in: the ticker closes them. */
export async function listMeetingsToClose(db: Executor, now: Date): Promise<MeetingRow[]> {
  return db
    .select()
    .from(meetings)
    .where(and(inArray(meetings.state, ["scheduled", "open"]), lt(meetings.endsAt, now)))
    .orderBy(asc(meetings.endsAt));
}

/** Message ids of a meeting's sign-in cards: posted by the outbox, or recorded directly. */
export async function signInCardMessages(
  db: Executor,
  meetingId: string,
): Promise<{ platform: PlatformName; messageId: string }[]> {
  const direct = await db
    .select({ platform: meetingCards.platform, messageId: meetingCards.messageId })
    .from(meetingCards)
    .where(and(eq(meetingCards.meetingId, meetingId), eq(meetingCards.purpose, "sign_in")));
  const posted = await db
    .select({ platform: outbox.platform, messageId: outbox.messageId })
    .from(outbox)
    .where(
      and(
        eq(outbox.subject, signInSubject(meetingId)),
        eq(outbox.kind, SIGN_IN_CARD_KIND),
        eq(outbox.state, "sent"),
      ),
    );
  const all = [
    ...direct,
    ...posted.filter((p): p is { platform: PlatformName; messageId: string } => Boolean(p.messageId)),
  ];
  return all.filter((m, i) => all.findIndex((o) => o.messageId === m.messageId) === i);
}

/** Outbox kind of the sign-in card, shared by its planner and the card refresher. */
export const SIGN_IN_CARD_KIND = "meeting.sign_in_card";

/**
 * Outbox subjects are per planner: a planner withdraws every pending row of its subjects that it no
 * longer wants, so the sign-in card and the follow-up messages must not share the reminders' subject.
 */
export const signInSubject = (meetingId: string) => `meeting-signin:${meetingId}`;
export const followUpSubject = (meetingId: string) => `meeting-followup:${meetingId}`;
/** The automatic absentee notes have their own subject, so 一键提醒 can withdraw the unsent ones. */
export const absenteeNoteSubject = (meetingId: string) => `meeting-absentee-note:${meetingId}`;

/** Meetings whose sign-in card falls due in [from, to]: not cancelled or closed, starting within the lead. */
export async function listMeetingsStartingBetween(db: Executor, from: Date, to: Date): Promise<MeetingRow[]> {
  return db
    .select()
    .from(meetings)
    .where(
      and(
        inArray(meetings.state, ["scheduled", "open"]),
        gte(meetings.startsAt, from),
        lt(meetings.startsAt, to),
      ),
    )
    .orderBy(asc(meetings.startsAt));
}

/** Meetings cancelled or closed since `since`: their unsent sign-in cards are withdrawn. */
export async function recentlyEndedMeetingIds(db: Executor, since: Date): Promise<string[]> {
  const rows = await db
    .select({ id: meetings.id })
    .from(meetings)
    .where(and(inArray(meetings.state, ["cancelled", "closed"]), gte(meetings.updatedAt, since)));
  return rows.map((r) => r.id);
}

/** Outbox kind of a meeting's confirmation card (edit, cancel, leave), posted where it was scheduled. */
export const MEETING_CONFIRMATION_KIND = "meeting.confirmation";
export const confirmationSubject = (meetingId: string) => `meeting-confirm:${meetingId}`;

/** Message ids of a meeting's confirmation cards as the outbox posted them, to freeze them when it ends. */
export async function confirmationCardMessages(
  db: Executor,
  meetingId: string,
): Promise<{ platform: PlatformName; messageId: string }[]> {
  const rows = await db
    .select({ platform: outbox.platform, messageId: outbox.messageId })
    .from(outbox)
    .where(
      and(
        eq(outbox.subject, confirmationSubject(meetingId)),
        eq(outbox.kind, MEETING_CONFIRMATION_KIND),
        eq(outbox.state, "sent"),
      ),
    );
  return rows.filter((r): r is { platform: PlatformName; messageId: string } => Boolean(r.messageId));
}
