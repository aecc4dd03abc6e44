import { closedMeetingsWithoutRecord, pendingStudyItems } from "../../db/queries/study.ts";
import type { Executor } from "../../db/types.ts";
import { presentOn } from "../../domain/away.ts";
import type { PlannedMessage } from "../../domain/reminders.ts";
import { recordNudgeState, studyBodyOf } from "../../domain/study.ts";
import { addDays, localDate, zonedInstant } from "../../domain/time.ts";
import type { WorkCalendar } from "../../domain/work-calendar.ts";
import { awayPeriods } from "../away/periods.ts";
import { responsibleFor } from "../private-messages.ts";
import { messagesTo, type Recipients } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { studyRecordCard } from "../views/study-cards.ts";

export const STUDY_NUDGE_KIND = "study.record_nudge";

/**
 * Each working day after a meeting closed with 第一议题 pending and no record, its secretary is reminded
 * once (at `localTime`), never on days off; after `overdueDays` the reminder says the branch is overdue.
 */
export function createStudyNudgePlanner(settings: {
  overdueDays: number;
  localTime: string;
  recipients: Recipients;
  loadCalendar: (db: Executor) => Promise<WorkCalendar>;
}): ReminderPlanner {
  return {
    name: "study-record-nudges",
    async plan({ db, now, timeZone }) {
      const messages: PlannedMessage[] = [];
      const meetings = await closedMeetingsWithoutRecord(db);
      if (meetings.length === 0) return { messages, withdrawals: [] };
      const today = localDate(now, timeZone);
      const calendar = await settings.loadCalendar(db);
      if (!calendar.isWorkingDay(today)) return { messages, withdrawals: [] };
      const at = zonedInstant(today, settings.localTime, timeZone);
      for (const meeting of meetings) {
        if (!meeting.closedAt) continue;
        const state = recordNudgeState(localDate(meeting.closedAt, timeZone), today, settings.overdueDays);
        if (!state.due) continue;
        const pending = await pendingStudyItems(db, meeting.orgId, studyBodyOf(meeting), timeZone);
        if (pending.length === 0) continue;
        const card = studyRecordCard({ ...meeting, timeZone }, pending);
        card.header = {
          title: state.overdue
            ? `已逾期：请登记第一议题学习（${meeting.title}）`
            : `提醒：请登记第一议题学习（${meeting.title}）`,
          tone: state.overdue ? "red" : "orange",
        };
        // A secretary away (外出) today is not nudged; the nudges resume on his first working day back.
        const responsible = await responsibleFor(db, meeting);
        const leave = await awayPeriods(db, today, today, responsible);
        const people = await settings.recipients.members(db, presentOn(leave, responsible, today));
        messages.push(
          ...messagesTo(people, {
            kind: STUDY_NUDGE_KIND,
            subject: `study-nudge:${meeting.id}`,
            slot: today,
            message: { kind: "card", card },
            dueAt: at,
            // A nudge not sent on its day is dropped; the next working day plans its own.
            expiresAt: zonedInstant(addDays(today, 1), "00:00", timeZone),
            expiryReason: "当天未能发送，改由下一个工作日提醒",
          }),
        );
      }
      return { messages, withdrawals: [] };
    },
  };
}
