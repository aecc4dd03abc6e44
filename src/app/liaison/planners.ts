import { recordAudit } from "../../db/queries/audit.ts";
import {
  filedReportsSince,
  findProblem,
  listAssignments,
  reassignProblem,
  unresolvedProblemsForNudges,
} from "../../db/queries/liaison.ts";
import type { Executor } from "../../db/types.ts";
import { awayNotAnswered } from "../../domain/away.ts";
import { addMonths, monthOf, timeLeftText } from "../../domain/liaison-calendar.ts";
import type { LiaisonPlan, LiaisonPlanned } from "../../domain/liaison-plan.ts";
import { planLiaisonMonthly } from "../../domain/liaison-planner.ts";
import {
  LIAISON_PROBLEM_OVERDUE_KIND,
  planOverdueProblemNudges,
  planResearchReminders,
} from "../../domain/liaison-reminders.ts";
import type { PlannedMessage, PlanResult } from "../../domain/reminders.ts";
import { localDate } from "../../domain/time.ts";
import type { WorkCalendar } from "../../domain/work-calendar.ts";
import type { Logger } from "../../lib/logger.ts";
import type { OutboundMessage } from "../../platforms/types.ts";
import { awayPeriods } from "../away/periods.ts";
import type { Address } from "../recipients.ts";
import { messagesTo } from "../recipients.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import {
  liaisonFormCard,
  liaisonSummaryCard,
  problemCard,
  researchReminderText,
} from "../views/liaison-cards.ts";
import type { LiaisonDeps } from "./deps.ts";
import { loadOwnerDirectory } from "./directory.ts";
import { problemOnCard } from "./problem-cards.ts";

type Assignments = Awaited<ReturnType<typeof listAssignments>>;

/**
 * Pairs the planners may ask about: a leader who has since joined his liaison branch is left out (his
 * `联系点` command says why) until the 机关党委 changes the assignment.
 */
async function plannable(db: Executor): Promise<Assignments> {
  return (await listAssignments(db)).filter((a) => a.leaderBranchId !== a.branchId);
}

const leaderIds = (assignments: Assignments) => [...new Set(assignments.map((a) => a.leaderId))];

function toResult(plan: LiaisonPlan, messages: PlannedMessage[]): PlanResult {
  return {
    messages,
    withdrawals: plan.withdrawals.map((w) => ({ subjects: w.subjects, keep: [], reason: w.reason })),
  };
}

function spec(m: LiaisonPlanned, message: OutboundMessage) {
  return {
    kind: m.kind,
    subject: m.subject,
    slot: m.slot,
    message,
    dueAt: m.dueAt,
    expiresAt: m.expiresAt,
    expiryReason: m.expiryReason,
  };
}

/** The monthly card, the nudges before the deadline and the 机关党委's summary after it. */
export function createLiaisonMonthlyPlanner(deps: LiaisonDeps, logger: Logger): ReminderPlanner {
  return {
    name: "liaison-monthly",
    async plan({ db, now, timeZone }) {
      const assignments = await plannable(db);
      if (assignments.length === 0) return { messages: [], withdrawals: [] };
      const calendar = await deps.loadCalendar(db);
      const today = localDate(now, timeZone);
      const since = addMonths(monthOf(today), -3);
      const reports = await filedReportsSince(db, since);
      // The summary counts the days each leader was away since the card went out, months back.
      const leave = await awayPeriods(db, since, today, leaderIds(assignments));
      const plan = planLiaisonMonthly({
        now,
        timeZone,
        calendar,
        settings: deps.settings,
        assignments,
        reports,
        leave,
      });
      for (const note of plan.notes) logger.info("liaison planner", { note });
      const messages: PlannedMessage[] = [];
      for (const m of plan.messages) {
        if (m.kind === "liaison.card" || m.kind === "liaison.nudge") {
          const a = assignments.find((x) => x.leaderId === m.leaderId && x.branchId === m.branchId);
          if (!a) continue;
          const card = liaisonFormCard({
            leaderName: a.leaderName,
            branchId: a.branchId,
            branchName: a.branchName,
            month: m.reportMonth,
            timeLeft: timeLeftText(calendar, today, m.deadline),
            ...(m.kind === "liaison.nudge" ? { nudge: { workdaysLeft: m.workdaysLeft } } : {}),
          });
          const to = await deps.recipients.members(db, [m.leaderId]);
          messages.push(...messagesTo(to, spec(m, { kind: "card", card })));
        } else if (m.kind === "liaison.summary") {
          messages.push(...(await summaries(deps, db, m, assignments)));
        }
      }
      return toResult(plan, messages);
    },
  };
}

/** One summary per organisation, to its 机关党委 chat or admins. */
async function summaries(
  deps: LiaisonDeps,
  db: Executor,
  m: Extract<LiaisonPlanned, { kind: "liaison.summary" }>,
  assignments: Assignments,
): Promise<PlannedMessage[]> {
  const out: PlannedMessage[] = [];
  const orgs = new Set(assignments.map((a) => a.orgId));
  for (const orgId of orgs) {
    const label = (p: { leaderId: string; branchId: string }, note?: string) => {
      const a = assignments.find((x) => x.leaderId === p.leaderId && x.branchId === p.branchId);
      return a && a.orgId === orgId
        ? `${a.leaderName}（${a.branchName}${note ? `，${note}` : ""}）`
        : undefined;
    };
    const names = (labels: readonly (string | undefined)[]) =>
      labels.filter((x): x is string => x !== undefined);
    // Away during the cycle: listed as such (“外出，未报”), not as a bare 未报.
    const missing = names(m.missing.map((p) => label(p, awayNotAnswered(p.awayDays, m.cycleWorkdays))));
    const card = liaisonSummaryCard({
      month: m.reportMonth,
      deadline: m.deadline,
      onTime: names(m.onTime.map((p) => label(p))),
      late: names(m.late.map((p) => label(p))),
      missing,
    });
    const to: Address[] = await deps.recipients.organCommittee(db, orgId);
    out.push(...messagesTo(to, spec(m, { kind: "card", card })));
  }
  return out;
}

/** From October on, a monthly reminder to leaders short of the yearly 调研. */
export function createLiaisonResearchPlanner(deps: LiaisonDeps): ReminderPlanner {
  return {
    name: "liaison-research",
    async plan({ db, now, timeZone }) {
      const assignments = await plannable(db);
      if (assignments.length === 0) return { messages: [], withdrawals: [] };
      const calendar = await deps.loadCalendar(db);
      const today = localDate(now, timeZone);
      const year = today.slice(0, 4);
      const reports = await filedReportsSince(db, `${year}-01-01`);
      const plan = planResearchReminders({
        now,
        timeZone,
        calendar,
        settings: deps.settings,
        leave: await awayPeriods(db, today, today, leaderIds(assignments)),
        assignments,
        reports,
      });
      const messages: PlannedMessage[] = [];
      for (const m of plan.messages) {
        if (m.kind !== "liaison.research") continue;
        const a = assignments.find((x) => x.leaderId === m.leaderId && x.branchId === m.branchId);
        if (!a) continue;
        const to = await deps.recipients.members(db, [m.leaderId]);
        const text = researchReminderText(a.branchName, m.year, m.done, m.required);
        messages.push(...messagesTo(to, spec(m, { kind: "text", text })));
      }
      return toResult(plan, messages);
    },
  };
}

/**
 * Problems open past the limit nudge whoever must act, at most weekly on working days. An owner who
 * left the roster is replaced by the branch 书记 here, recorded in the problem's history and the audit log.
 */
export function createLiaisonOverduePlanner(
  deps: LiaisonDeps & { loadCalendar: (db: Executor) => Promise<WorkCalendar> },
): ReminderPlanner {
  return {
    name: "liaison-overdue-problems",
    async plan({ db, now, timeZone }) {
      const rows = await unresolvedProblemsForNudges(db, LIAISON_PROBLEM_OVERDUE_KIND);
      if (rows.length === 0) return { messages: [], withdrawals: [] };
      const calendar = await deps.loadCalendar(db);
      const today = localDate(now, timeZone);
      const leave = await awayPeriods(db, today, today);
      const messages: PlannedMessage[] = [];
      const withdrawals: PlanResult["withdrawals"] = [];
      for (const orgId of new Set(rows.map((r) => r.orgId))) {
        const { directory } = await loadOwnerDirectory(db, orgId);
        const plan = planOverdueProblemNudges({
          now,
          timeZone,
          calendar,
          settings: deps.settings,
          leave,
          directory,
          problems: rows
            .filter((r) => r.orgId === orgId)
            .map((r) => ({
              id: r.id,
              branchId: r.branchId,
              ownerId: r.ownerId ?? undefined,
              status: r.status,
              raisedOn: r.raisedOn,
              lastNudgedOn: r.lastNudgedAt ? localDate(r.lastNudgedAt, timeZone) : undefined,
            })),
        });
        for (const m of plan.messages) {
          if (m.kind !== "liaison.problem_overdue") continue;
          if (m.fallbackNote && m.recipient.type === "member") {
            await reassignProblem(
              db,
              m.problemId,
              m.recipient.memberId,
              { on: today, status: "open", note: m.fallbackNote, by: null },
              now,
            );
            await recordAudit(db, {
              orgId,
              actorLabel: "scheduler",
              action: "reassign",
              entity: "liaison_problem",
              entityId: m.problemId,
              after: { ownerId: m.recipient.memberId, note: m.fallbackNote },
              at: now,
            });
          }
          const problem = await findProblem(db, m.problemId);
          if (!problem) continue;
          const card = problemCard(problemOnCard(problem), {
            overdueDays: m.daysOpen,
            ...(m.fallbackNote ? { note: m.fallbackNote } : {}),
          });
          const to =
            m.recipient.type === "member"
              ? await deps.recipients.members(db, [m.recipient.memberId])
              : await deps.recipients.organCommittee(db, orgId);
          messages.push(...messagesTo(to, spec(m, { kind: "card", card })));
        }
        withdrawals.push(...toResult(plan, []).withdrawals);
      }
      return { messages, withdrawals };
    },
  };
}
