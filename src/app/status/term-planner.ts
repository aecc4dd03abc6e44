import { branchSecretaries } from "../../db/queries/member-directory.ts";
import { listOrganisations } from "../../db/queries/organisations.ts";
import { statusBranches } from "../../db/queries/status.ts";
import type { Executor } from "../../db/types.ts";
import { presentOn } from "../../domain/away.ts";
import { dueTermReminders, TERM_REMINDER_KIND } from "../../domain/branch-term.ts";
import type { PlannedMessage } from "../../domain/reminders.ts";
import { localDate, zonedInstant } from "../../domain/time.ts";
import { awayPeriods } from "../away/periods.ts";
import { type Address, messagesTo, type Recipients } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";

/**
 * 换届: 90, 30 and 7 days before a committee's term ends, on the day, then monthly while it is overdue,
 * its 书记 (privately) and the 机关党委 are reminded — once per slot whatever the number of ticks (the
 * slot is in the key), on working days at `localTime`.
 */
export function createTermReminderPlanner(deps: {
  localTime: string;
  recipients: Recipients;
}): ReminderPlanner {
  /**
   * The branch's 书记, unless away (外出) today: the slot lasts until the next one, so he hears it on
   * his first working day back.
   */
  async function secretariesHere(db: Executor, branchId: string, today: string) {
    const ids = (await branchSecretaries(db, branchId)).map((m) => m.id);
    const leave = await awayPeriods(db, today, today, ids);
    return deps.recipients.members(db, presentOn(leave, ids, today));
  }
  return {
    name: "status-term-reminders",
    async plan({ db, now, timeZone }) {
      const today = localDate(now, timeZone);
      const dueAt = zonedInstant(today, deps.localTime, timeZone);
      const messages: PlannedMessage[] = [];
      for (const org of await listOrganisations(db)) {
        let organ: Address[] | undefined;
        for (const b of await statusBranches(db, { orgId: org.id, timeZone })) {
          if (b.kind === "organ_committee") continue;
          const due = dueTermReminders({
            branchId: b.id,
            branchName: b.name,
            electedOn: b.electedOn,
            termYears: b.termYears,
            today,
          });
          for (const r of due) {
            if (r.audience === "organ_committee" && !organ)
              organ = await deps.recipients.organCommittee(db, org.id);
            const addresses =
              r.audience === "secretary" ? await secretariesHere(db, b.id, today) : (organ ?? []);
            messages.push(
              ...messagesTo(addresses, {
                kind: TERM_REMINDER_KIND,
                subject: r.subject,
                slot: `${r.audience}:${r.slot}`,
                message: { kind: "text", text: r.text },
                dueAt,
                workdaysOnly: true,
              }),
            );
          }
        }
      }
      return { messages, withdrawals: [] };
    },
  };
}
