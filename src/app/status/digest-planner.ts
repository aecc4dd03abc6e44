import { listOrganisations } from "../../db/queries/organisations.ts";
import { countQueuedKeys } from "../../db/queries/status.ts";
import type { Executor } from "../../db/types.ts";
import type { PlannedMessage } from "../../domain/reminders.ts";
import { addDays, localDate, zonedInstant } from "../../domain/time.ts";
import type { WorkCalendar } from "../../domain/work-calendar.ts";
import { messagesTo, type Recipients } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import { branchStatusCard, overviewCard } from "../views/status-cards.ts";
import { branchReports, partyBranches, type StatusSettings, worstFirst } from "./reports.ts";

export const STATUS_DIGEST_KIND = "status.digest";
/** A digest not delivered within a week of its day is no longer news; the next month brings a new one. */
const DIGEST_VALID_DAYS = 7;

/**
 * The monthly digest: from the first working day of each month (at `localTime`), last month's 机关情况
 * to the 机关党委 and each branch chat its own 支部情况 of last month, once — keyed by the month, so
 * any number of ticks and instances plan it once, and a bot that was down that morning sends it when
 * it is back (within a week). The work is done only until it is queued: a tick that finds the
 * 机关党委's message already queued computes nothing.
 */
export function createStatusDigestPlanner(deps: {
  enabled: boolean;
  localTime: string;
  settings: StatusSettings;
  recipients: Recipients;
  loadCalendar: (db: Executor) => Promise<WorkCalendar>;
}): ReminderPlanner {
  return {
    name: "status-digest",
    async plan({ db, now, timeZone }) {
      const none = { messages: [], withdrawals: [] };
      if (!deps.enabled) return none;
      const today = localDate(now, timeZone);
      const monthStart = `${today.slice(0, 7)}-01`;
      const calendar = await deps.loadCalendar(db);
      const day = calendar.nextWorkingDay(monthStart);
      if (today < day || day.slice(0, 7) !== today.slice(0, 7)) return none;
      const dueAt = zonedInstant(day, deps.localTime, timeZone);
      if (now < dueAt) return none;
      const lastMonthEnd = addDays(monthStart, -1);
      const month = lastMonthEnd.slice(0, 7);
      const spec = {
        kind: STATUS_DIGEST_KIND,
        slot: month,
        dueAt,
        expiresAt: new Date(dueAt.getTime() + DIGEST_VALID_DAYS * 86_400_000),
        expiryReason: `${DIGEST_VALID_DAYS} 天内未能发送，月度通报作废`,
        workdaysOnly: true,
      };
      const messages: PlannedMessage[] = [];
      for (const org of await listOrganisations(db)) {
        const organ = await deps.recipients.organCommittee(db, org.id);
        const organSpec = {
          ...spec,
          subject: `status-digest:${org.id}`,
          message: { kind: "text" as const, text: "" },
        };
        const organKeys = messagesTo(organ, organSpec).map((m) => m.idempotencyKey);
        if (organKeys.length > 0 && (await countQueuedKeys(db, organKeys)) === organKeys.length) continue;
        const branches = await partyBranches(db, org.id, timeZone);
        const reports = await branchReports(db, deps.settings, {
          orgId: org.id,
          today,
          periodOf: lastMonthEnd,
          branches,
        });
        const [y, m] = month.split("-").map(Number);
        messages.push(
          ...messagesTo(organ, {
            ...organSpec,
            message: {
              kind: "card",
              card: overviewCard(worstFirst(reports), {
                title: `${y}年${m}月通报`,
                asOf: lastMonthEnd,
                digest: true,
              }),
            },
          }),
        );
        const chats = await deps.recipients.branchChats(
          db,
          reports.map((r) => r.branchId),
        );
        const byBranch = new Map(reports.map((r) => [r.branchId, r]));
        for (const chat of chats) {
          const report = byBranch.get(chat.recipient);
          if (!report) continue;
          messages.push(
            ...messagesTo([chat], {
              ...spec,
              subject: `status-digest:${report.branchId}`,
              message: { kind: "card", card: branchStatusCard(report, { digest: true }) },
            }),
          );
        }
      }
      return { messages, withdrawals: [] };
    },
  };
}
