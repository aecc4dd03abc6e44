import { listMeetingsToClose } from "../../db/queries/meetings.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { closeMeeting } from "./close-meeting.ts";
import type { MeetingDeps } from "./deps.ts";

/**
 * Closes sign-in at each meeting's end time. It runs with the planners on every tick; what closing
 * sends (the secretary's absentee list, the absentees' notes) goes through the outbox itself.
 */
export function createMeetingClosingPlanner(deps: MeetingDeps): ReminderPlanner {
  return {
    name: "meeting-closing",
    async plan({ now }) {
      for (const meeting of await listMeetingsToClose(deps.db, now)) {
        await closeMeeting(deps, meeting.id, null, now);
      }
      return { messages: [], withdrawals: [] };
    },
  };
}
