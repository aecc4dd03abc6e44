import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { coalescedQueries } from "../../src/db/coalesced-queries.ts";
import { pruneInboundEvents, recordInboundEvents } from "../../src/db/queries/inbound-events.ts";
import {
  type AttendanceWrite,
  findAttendance,
  listAttendance,
  loadAttendanceContexts,
  writeAttendances,
} from "../../src/db/queries/meetings.ts";
import { findMembersByIdentity } from "../../src/db/queries/members.ts";
import { members } from "../../src/db/schema.ts";
import { databaseTargets } from "../support/databases.ts";
import { useExampleOrgan } from "../support/example-organ.ts";
import { createTestMeeting } from "../support/meetings.ts";

const start = new Date("2026-12-03T07:00:00Z");

/** The statements a burst of clicks shares: each takes a list and answers in the list's order. */
describe.each(databaseTargets)("batched click statements on $name", (target) => {
  const t = useExampleOrgan(target);

  it("finds members by any of their ids, in the lookups' order, and only by the right kind", async () => {
    const found = await findMembersByIdentity(t.db, [
      { platform: "feishu", ids: [{ kind: "open_id", value: "ou_ecaf3936b71c516270a59746d82b1421" }] },
      { platform: "feishu", ids: [{ kind: "open_id", value: "ou_nobody" }] },
      // The user_id of the first member in examples/org.yaml, sent with the open_id of nobody.
      {
        platform: "feishu",
        ids: [
          { kind: "open_id", value: "ou_unknown" },
          { kind: "user_id", value: "d17d0e34" },
        ],
      },
      // A user_id presented as an open_id matches nobody.
      { platform: "feishu", ids: [{ kind: "open_id", value: "d17d0e34" }] },
      { platform: "dingtalk", ids: [{ kind: "staff_id", value: "ou_ecaf3936b71c516270a59746d82b1421" }] },
      { platform: "feishu", ids: [] },
    ]);
    expect(found.map((m) => m?.name ?? null)).toEqual([
      expect.any(String),
      null,
      expect.any(String),
      null,
      null,
      null,
    ]);
    expect(found[0]?.id).not.toBe(found[2]?.id);
  });

  it("does not find a member who has left", async () => {
    const [m] = await findMembersByIdentity(t.db, [
      { platform: "feishu", ids: [{ kind: "open_id", value: "ou_10a9eac6e22bfb3f2ecb1b34c38c5852" }] },
    ]);
    if (!m) throw new Error("example member missing");
    await t.db.update(members).set({ active: false }).where(eq(members.id, m.id));
    const [again] = await findMembersByIdentity(t.db, [
      { platform: "feishu", ids: [{ kind: "open_id", value: "ou_10a9eac6e22bfb3f2ecb1b34c38c5852" }] },
    ]);
    expect(again).toBeUndefined();
    await t.db.update(members).set({ active: true }).where(eq(members.id, m.id));
  });

  it("records events once: a repeat within the list and one seen before are not new", async () => {
    const ev = (eventId: string) => ({
      platform: "feishu" as const,
      eventId,
      eventType: "card_action",
      receivedAt: start,
    });
    expect(await recordInboundEvents(t.db, [ev("batch-a"), ev("batch-b"), ev("batch-a")])).toEqual([
      true,
      true,
      false,
    ]);
    expect(await recordInboundEvents(t.db, [ev("batch-c"), ev("batch-b")])).toEqual([true, false]);
    expect(await recordInboundEvents(t.db, [])).toEqual([]);
  });

  it("prunes event ids older than the cut-off, a slice at a time, so old events count as new again", async () => {
    const at = (iso: string, eventId: string) => ({
      platform: "feishu" as const,
      eventId,
      eventType: "message",
      receivedAt: new Date(iso),
    });
    await recordInboundEvents(t.db, [
      at("2026-10-01T00:00:00Z", "old-1"),
      at("2026-10-02T00:00:00Z", "old-2"),
      at("2026-10-03T00:00:00Z", "old-3"),
      at("2026-11-20T00:00:00Z", "recent"),
    ]);
    const cutOff = new Date("2026-11-01T00:00:00Z");
    expect(await pruneInboundEvents(t.db, cutOff, 2)).toBe(2);
    expect(await pruneInboundEvents(t.db, cutOff, 2)).toBe(1);
    expect(await pruneInboundEvents(t.db, cutOff, 2)).toBe(0);
    expect(
      await recordInboundEvents(t.db, [
        at("2026-11-21T00:00:00Z", "old-1"),
        at("2026-11-21T00:00:00Z", "recent"),
      ]),
    ).toEqual([true, false]);
  });

  it("loads each click's meeting, invitation and record; a foreign or malformed id finds nothing", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    const [a, b] = invitees as [string, string];
    const outsider = (await t.db.select({ id: members.id }).from(members)).find(
      (m) => !invitees.includes(m.id),
    );
    if (!outsider) throw new Error("the example organ has members outside this committee");
    await writeAttendances(t.db, [write(meeting.id, a, { status: "leave", reason: "出差" })]);
    const contexts = await loadAttendanceContexts(t.db, [
      { meetingId: meeting.id, memberId: b },
      { meetingId: meeting.id, memberId: a },
      { meetingId: "not-a-uuid", memberId: a },
      { meetingId: "00000000-0000-4000-8000-000000000000", memberId: a },
      { meetingId: meeting.id.toUpperCase(), memberId: outsider.id },
    ]);
    expect(contexts[0]).toMatchObject({ invited: true, existing: undefined });
    expect(contexts[0]?.meeting.id).toBe(meeting.id);
    expect(contexts[1]).toMatchObject({ invited: true, existing: { status: "leave", reason: "出差" } });
    expect(contexts[2]).toBeUndefined();
    expect(contexts[3]).toBeUndefined();
    expect(contexts[4]).toMatchObject({ invited: false, existing: undefined });
    expect(contexts[4]?.meeting.id).toBe(meeting.id);
  });

  it("writes a list with one member twice in order: the later write wins, both count as changes", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    const [a, b] = invitees as [string, string];
    const changed = await writeAttendances(t.db, [
      write(meeting.id, a, { status: "leave", reason: "出差" }),
      write(meeting.id, b),
      write(meeting.id, a, { status: "present", late: true }),
      write(meeting.id, b),
    ]);
    expect(changed).toEqual([true, true, true, false]);
    expect(await findAttendance(t.db, meeting.id, a)).toMatchObject({
      status: "present",
      late: true,
      reason: null,
    });
    expect(await findAttendance(t.db, meeting.id, b)).toMatchObject({ status: "present", late: false });
  });

  it("coalesced: one write the database refuses fails alone; the clicks batched with it are stored", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    const [a, b, c] = invitees as [string, string, string];
    const queries = coalescedQueries(t.db);
    const results = await Promise.allSettled([
      queries.writeAttendance(write(meeting.id, a)),
      // Postgres text cannot hold a NUL character.
      queries.writeAttendance(write(meeting.id, b, { status: "leave", reason: "出差\u0000" })),
      queries.writeAttendance(write(meeting.id, c)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await listAttendance(t.db, meeting.id)).map((r) => r.memberId).sort()).toEqual([a, c].sort());
  });

  it("coalesced: concurrent clicks, four each, batched together, each get their own answer", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, {
      kind: "general_assembly",
      startsAt: start,
    });
    const queries = coalescedQueries(t.db);
    const writes = invitees.flatMap((memberId) =>
      Array.from({ length: 4 }, () => write(meeting.id, memberId)),
    );
    const [changed, contexts] = await Promise.all([
      Promise.all(writes.map((w) => queries.writeAttendance(w))),
      Promise.all(invitees.map((memberId) => queries.attendanceContext({ meetingId: meeting.id, memberId }))),
    ]);
    expect(changed.filter(Boolean)).toHaveLength(invitees.length);
    expect(contexts.every((c) => c?.invited)).toBe(true);
    expect(await listAttendance(t.db, meeting.id)).toHaveLength(invitees.length);
  });
});

function write(meetingId: string, memberId: string, over: Partial<AttendanceWrite> = {}): AttendanceWrite {
  return {
    meetingId,
    memberId,
    status: "present",
    late: false,
    reason: null,
    source: "card",
    recordedBy: memberId,
    at: start,
    ...over,
  };
}
