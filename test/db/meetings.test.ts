import { describe, expect, it } from "vitest";
import {
  findAttendance,
  listAttendance,
  listMissing,
  markMissingAbsent,
  transitionMeeting,
  writeAttendance,
} from "../../src/db/queries/meetings.ts";
import { databaseTargets } from "../support/databases.ts";
import { useExampleOrgan } from "../support/example-organ.ts";
import { createTestMeeting } from "../support/meetings.ts";

const start = new Date("2026-12-03T07:00:00Z");

describe.each(databaseTargets)("meeting queries on $name", (target) => {
  const t = useExampleOrgan(target);

  it("a burst of concurrent sign-ins, with duplicates, leaves one row per member", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    expect(invitees).toHaveLength(4); // a 支部委员会: 书记, 副书记 and two 委员
    const clicks = invitees.flatMap((memberId) =>
      [0, 1, 2].map(() =>
        writeAttendance(t.db, {
          meetingId: meeting.id,
          memberId,
          status: "present",
          late: false,
          reason: null,
          source: "card",
          recordedBy: memberId,
          at: start,
        }),
      ),
    );
    const changed = await Promise.all(clicks);
    expect(changed.filter(Boolean)).toHaveLength(4);
    expect(await listAttendance(t.db, meeting.id)).toHaveLength(4);
  });

  it("leave then sign-in: present wins, reason cleared; a repeat writes nothing", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    const [a] = invitees as [string];
    const base = {
      meetingId: meeting.id,
      memberId: a,
      late: false,
      source: "card" as const,
      recordedBy: a,
      at: start,
    };
    expect(await writeAttendance(t.db, { ...base, status: "leave", reason: "出差" })).toBe(true);
    expect(await writeAttendance(t.db, { ...base, status: "leave", reason: "出差" })).toBe(false);
    expect(await writeAttendance(t.db, { ...base, status: "present", reason: null, late: true })).toBe(true);
    expect(await findAttendance(t.db, meeting.id, a)).toMatchObject({
      status: "present",
      reason: null,
      late: true,
    });
  });

  it("the database refuses leave without a reason", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, { startsAt: start });
    await expect(
      writeAttendance(t.db, {
        meetingId: meeting.id,
        memberId: invitees[0] as string,
        status: "leave",
        reason: "",
        late: false,
        source: "card",
        recordedBy: null,
        at: start,
      }),
    ).rejects.toThrow();
  });

  it("closing happens once, and marks the missing absent", async () => {
    const { meeting, invitees } = await createTestMeeting(t.db, {
      startsAt: start,
      kind: "general_assembly",
    });
    await writeAttendance(t.db, {
      meetingId: meeting.id,
      memberId: invitees[0] as string,
      status: "present",
      late: false,
      reason: null,
      source: "card",
      recordedBy: null,
      at: start,
    });
    const now = new Date(start.getTime() + 90 * 60_000);
    const [first, second] = await Promise.all([
      transitionMeeting(t.db, meeting.id, ["scheduled", "open"], "closed", { actorId: null, now }),
      transitionMeeting(t.db, meeting.id, ["scheduled", "open"], "closed", { actorId: null, now }),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await listMissing(t.db, meeting.id)).toHaveLength(9);
    expect(await markMissingAbsent(t.db, meeting.id, now)).toBe(9);
    expect(await markMissingAbsent(t.db, meeting.id, now)).toBe(0);
    const rows = await listAttendance(t.db, meeting.id);
    expect(rows.filter((r) => r.status === "absent")).toHaveLength(9);
  });
});
