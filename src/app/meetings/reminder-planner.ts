import { loadMeetingsForReminders } from "../../db/queries/reminder-sources.ts";
import { planMeetingReminders } from "../../domain/meeting-reminders.ts";
import { localDate } from "../../domain/time.ts";
import { awayPeriods } from "../away/periods.ts";
import type { Recipients } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";

export interface MeetingReminderSettings {
  recipients: Recipients;
  leadMinutes: number[];
  /** Local HH:MM on the day before the meeting for one more reminder. */
  dayBeforeAt?: string | undefined;
  /** Rows are stored this long before they fall due. */
  horizonMs?: number;
  /** Meetings that started this long ago are still planned for, so an outage's stale reminders get a skip reason. */
  lookbackMs?: number;
}

export function createMeetingReminderPlanner(settings: MeetingReminderSettings): ReminderPlanner {
  const horizonMs = settings.horizonMs ?? 15 * 60_000;
  const lookbackMs = settings.lookbackMs ?? 24 * 60 * 60_000;
  // The day-before reminder can fall up to two days ahead of a meeting early in the morning.
  const maxLeadMs = Math.max(0, ...settings.leadMinutes, settings.dayBeforeAt ? 48 * 60 : 0) * 60_000;
  return {
    name: "meeting-reminders",
    async plan({ db, now, timeZone }) {
      const meetings = await loadMeetingsForReminders(
        db,
        { from: new Date(now.getTime() - lookbackMs), to: new Date(now.getTime() + maxLeadMs + horizonMs) },
        timeZone,
        settings.recipients.addressKinds,
      );
      // 党组会/中心组 reminders go to each attendee: not to one away on the meeting's day.
      const people = [...new Set(meetings.flatMap((m) => m.targets.flatMap((t) => t.memberId ?? [])))];
      const days = meetings.map((m) => localDate(m.startsAt, timeZone)).sort();
      const leave = people.length > 0 ? await awayPeriods(db, days[0] ?? "", days.at(-1) ?? "", people) : [];
      return planMeetingReminders({
        meetings,
        leave,
        leadMinutes: settings.leadMinutes,
        dayBeforeAt: settings.dayBeforeAt,
        now,
        horizonMs,
        timeZone,
      });
    },
  };
}
