import { eq } from "drizzle-orm";
import { expectedAttendeeIds, insertMeeting } from "../../src/db/queries/meetings.ts";
import { branches, organisations } from "../../src/db/schema.ts";
import type { Database } from "../../src/db/types.ts";
import type { MeetingKind } from "../../src/domain/labels.ts";

/** A meeting of one of the example organ's branches, with its invitees, straight into the database. */
export async function createTestMeeting(
  db: Database,
  opts: {
    branch?: string;
    kind?: MeetingKind;
    startsAt: Date;
    minutes?: number;
    title?: string;
    place?: string;
  },
) {
  const [org] = await db.select().from(organisations);
  const [branch] = await db
    .select()
    .from(branches)
    .where(eq(branches.code, opts.branch ?? "bgs"));
  if (!org || !branch) throw new Error("import the example roster first");
  const kind = opts.kind ?? "committee";
  const invitees = await expectedAttendeeIds(db, {
    orgId: org.id,
    branchId: branch.id,
    kind,
    partyGroupId: null,
  });
  const meeting = await insertMeeting(
    db,
    {
      orgId: org.id,
      branchId: branch.id,
      partyGroupId: null,
      kind,
      title: opts.title ?? "支部委员会",
      startsAt: opts.startsAt,
      endsAt: new Date(opts.startsAt.getTime() + (opts.minutes ?? 90) * 60_000),
      place: opts.place ?? "三楼会议室",
      createdBy: null,
    },
    invitees,
    new Date(opts.startsAt.getTime() - 86_400_000),
  );
  return { meeting, invitees, branch, org };
}
