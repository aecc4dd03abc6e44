import type { SchedulerConfig } from "../../config.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { createMeetingReminderPlanner } from "./meeting-reminders.ts";

/** Every reminder source the scheduler runs each tick; new ones (sign-in, 第一议题 nudges…) go here. */
export function defaultPlanners(settings: SchedulerConfig): ReminderPlanner[] {
  return [
    createMeetingReminderPlanner({
      leadMinutes: settings.meetingLeadMinutes,
      dayBeforeAt: settings.meetingDayBeforeAt,
    }),
  ];
}
