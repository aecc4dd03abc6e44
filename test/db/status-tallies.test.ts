/**
 * The summaries 支部情况 reads are kept by triggers in the statements that write attendance and
 * 第一议题 records — whoever writes, however (insert, upsert, update, delete, cascade).
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { branchMeetingTallies } from "../../src/db/queries/meeting-summary.ts";
import { markMissingAbsent, writeAttendances } from "../../src/db/queries/meetings.ts";
import { insertFirstAgendaRecords, insertStudyItem } from "../../src/db/queries/study.ts";
import { branchStudyFigures } from "../../src/db/queries/study-summary.ts";
import * as schema from "../../src/db/schema.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { createTestMeeting } from "../support/meetings.ts";
import { importExampleRoster } from "../support/roster.ts";

const TZ = "Asia/Shanghai";

describe.each(databaseTargets)("status summaries on $name", (target) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await target.create();
    await importExampleRoster(db.db);
  });
  afterEach(async () => {
    await db.close();
  });

  const tally = async (meetingId: string) => {
    const [row] = await db.db
      .select()
      .from(schema.meetingTallies)
      .where(eq(schema.meetingTallies.meetingId, meetingId));
    return row ? { expected: row.expected, present: row.present } : undefined;
  };
  const write = (meetingId: string, memberId: string, status: "present" | "leave" | "absent") => ({
    meetingId,
    memberId,
    status,
    late: false,
    reason: status === "leave" ? "出差" : null,
    source: "card" as const,
    recordedBy: memberId,
    at: new Date("2026-12-01T07:00:00Z"),
  });

  it("counts invitees and invitees present through inserts, upserts, corrections and deletes", async () => {
    const { meeting, invitees } = await createTestMeeting(db.db, {
      startsAt: new Date("2026-12-01T07:00:00Z"),
    });
    const [a, b, c] = invitees as [string, string, string];
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 0 });
    await writeAttendances(db.db, [write(meeting.id, a, "present"), write(meeting.id, b, "present")]);
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 2 });
    // The same member twice in one call (two rounds), then on leave: one present less.
    await writeAttendances(db.db, [write(meeting.id, c, "present"), write(meeting.id, c, "leave")]);
    await writeAttendances(db.db, [write(meeting.id, b, "leave")]);
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 1 });
    await markMissingAbsent(db.db, meeting.id, new Date("2026-12-01T09:00:00Z"));
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 1 });
    // Someone not invited signing in does not count, as on the sign-in card.
    const [outsider] = await db.db.select().from(schema.members).where(eq(schema.members.code, "1010"));
    await writeAttendances(db.db, [write(meeting.id, outsider?.id as string, "present")]);
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 1 });
    await db.db
      .delete(schema.attendance)
      .where(and(eq(schema.attendance.meetingId, meeting.id), eq(schema.attendance.memberId, a)));
    expect(await tally(meeting.id)).toEqual({ expected: 4, present: 0 });
    await db.db.delete(schema.meetingInvitees).where(eq(schema.meetingInvitees.memberId, b));
    expect(await tally(meeting.id)).toEqual({ expected: 3, present: 0 });

    const [row] = await branchMeetingTallies(db.db, {
      branchIds: [meeting.branchId as string],
      from: "2026-12-01",
      timeZone: TZ,
    });
    expect(row).toMatchObject({
      id: meeting.id,
      heldOn: "2026-12-01",
      expected: 3,
      present: 0,
      state: "scheduled",
    });
    await db.db.delete(schema.meetings).where(eq(schema.meetings.id, meeting.id));
    expect(await tally(meeting.id)).toBeUndefined();
  });

  it("keeps each branch's first study of an item, and works it out again when a record goes", async () => {
    const early = await createTestMeeting(db.db, { startsAt: new Date("2026-03-09T16:30:00Z") }); // 3月10日 00:30 in Beijing
    const late = await createTestMeeting(db.db, { startsAt: new Date("2026-03-20T07:00:00Z") });
    const item = await insertStudyItem(db.db, {
      orgId: early.org.id,
      title: "材料",
      source: "新华社",
      publishedOn: "2026-03-02",
      link: null,
      summary: null,
      scope: "all",
      addedBy: null,
      at: new Date("2026-03-02T02:00:00Z"),
    });
    if (!item) throw new Error("no item");
    await insertFirstAgendaRecords(db.db, [{ meetingId: late.meeting.id, studyItemId: item.id }]);
    await insertFirstAgendaRecords(db.db, [{ meetingId: early.meeting.id, studyItemId: item.id }]);
    const firsts = () => db.db.select().from(schema.studyFirsts);
    expect(await firsts()).toEqual([
      { branchId: early.branch.id, studyItemId: item.id, firstOn: "2026-03-10" },
    ]);
    const figures = (today: string) =>
      branchStudyFigures(db.db, {
        orgId: early.org.id,
        branchIds: [early.branch.id],
        yearStart: "2026-01-01",
        overdueBefore: today,
        timeZone: TZ,
      });
    expect(await figures("2026-12-01")).toEqual([
      { branchId: early.branch.id, pending: 0, overdue: 0, medianLagDays: 8 },
    ]);
    await db.db.delete(schema.meetings).where(eq(schema.meetings.id, early.meeting.id));
    expect((await firsts())[0]?.firstOn).toBe("2026-03-20");
    await db.db.delete(schema.meetings).where(eq(schema.meetings.id, late.meeting.id));
    expect(await firsts()).toEqual([]);
    expect(await figures("2026-12-01")).toEqual([
      { branchId: early.branch.id, pending: 1, overdue: 1, medianLagDays: null },
    ]);
  });
});
