import { createBatchLoader } from "../lib/batch-loader.ts";
import { type InboundEventRecord, recordInboundEvents } from "./queries/inbound-events.ts";
import {
  type AttendanceContext,
  type AttendanceWrite,
  loadAttendanceContexts,
  writeAttendances,
} from "./queries/meetings.ts";
import { findMembersByIdentity, type IdentityLookup, type MemberRow } from "./queries/members.ts";
import type { Database } from "./types.ts";

/**
 * The statements every click's answer runs, shared by the requests in flight: in a burst of sign-ins
 * the clicks that reach a step in the same turn of the event loop run it as one statement, so the
 * database and the driver see a few statements per turn instead of four per click.
 */
export interface ClickQueries {
  findMember(lookup: IdentityLookup): Promise<MemberRow | undefined>;
  recordEvent(event: InboundEventRecord): Promise<boolean>;
  attendanceContext(click: { meetingId: string; memberId: string }): Promise<AttendanceContext | undefined>;
  writeAttendance(write: AttendanceWrite): Promise<boolean>;
}

const perDatabase = new WeakMap<Database, ClickQueries>();

/** One set per database handle, so every request on that handle batches with the others. */
export function coalescedQueries(db: Database): ClickQueries {
  let queries = perDatabase.get(db);
  if (!queries) {
    queries = {
      findMember: createBatchLoader((lookups) => findMembersByIdentity(db, lookups)),
      recordEvent: createBatchLoader((events) => recordInboundEvents(db, events)),
      attendanceContext: createBatchLoader((clicks) => loadAttendanceContexts(db, clicks)),
      writeAttendance: createBatchLoader((writes) => writeAttendances(db, writes)),
    };
    perDatabase.set(db, queries);
  }
  return queries;
}
