/**
 * Composes a branch's status from what each feature summarises — meetings, 第一议题, 联系点 — and the
 * organisation's own data (branches, 党小组, liaison assignments). Status reads no feature's tables.
 */
import {
  cadenceOverrides,
  type LiaisonSpan,
  liaisonSpans,
  type StatusBranchRow,
  statusBranches,
} from "../../db/queries/status.ts";
import type { Executor } from "../../db/types.ts";
import { branchStatus, statusDataFrom } from "../../domain/branch-status.ts";
import { type CadenceRules, cadenceDifferences, resolveCadence } from "../../domain/cadence.ts";
import { complianceScore, liaisonUpdatesExpected, sortWorstFirst } from "../../domain/compliance-score.ts";
import { addDays } from "../../domain/time.ts";
import { meetingSummaryFor } from "../meetings/summary.ts";
import { studySummaryFor } from "../study/summary.ts";
import type { BranchReport } from "../views/status-cards.ts";
import { type LiaisonSummaryProvider, liaisonOf } from "./liaison-source.ts";

export interface StatusSettings {
  timeZone: string;
  overdueDays: number;
  /** The default rules; the roster's `cadence:` (organisation, 党总支, branch) is applied over them. */
  rules: CadenceRules;
  liaison: LiaisonSummaryProvider;
}

export interface ReportQuery {
  orgId: string;
  /** Local date today. */
  today: string;
  /** The day whose month / quarter / year are shown (the digest: last month's last day); today by default. */
  periodOf?: string;
  /** Only these branches; every active 党支部 of the organisation when omitted. */
  branches?: readonly StatusBranchRow[];
}

/** Every active 党支部 (not 党总支, not the 机关党委) of the organisation, by code. */
export async function partyBranches(
  db: Executor,
  orgId: string,
  timeZone: string,
): Promise<StatusBranchRow[]> {
  return (await statusBranches(db, { orgId, timeZone })).filter((b) => b.kind === "branch");
}

/** One report per branch, in the order given; the overview sorts them worst first (`worstFirst`). */
export async function branchReports(
  db: Executor,
  s: StatusSettings,
  q: ReportQuery,
): Promise<BranchReport[]> {
  const list = q.branches ?? (await partyBranches(db, q.orgId, s.timeZone));
  if (list.length === 0) return [];
  const ids = list.map((b) => b.id);
  const periodOf = q.periodOf ?? q.today;
  const year = Number(periodOf.slice(0, 4));
  // Figures "this year" belong to the year shown; for the digest in January that is last year, over.
  const yearToday = q.today.slice(0, 4) === periodOf.slice(0, 4) ? q.today : addDays(periodOf, 1);
  const [meetings, study, liaison, spans, cadence] = await Promise.all([
    meetingSummaryFor(db, { branchIds: ids, from: statusDataFrom(periodOf), timeZone: s.timeZone }),
    studySummaryFor(db, {
      orgId: q.orgId,
      branchIds: ids,
      year,
      today: q.today,
      timeZone: s.timeZone,
      overdueDays: s.overdueDays,
    }),
    s.liaison(db, { branchIds: ids, year, today: yearToday }),
    liaisonSpans(db, { orgId: q.orgId, branchIds: ids, from: `${year}-01-01` }),
    cadenceOverrides(db, q.orgId),
  ]);
  const rulesOf = (b: StatusBranchRow) =>
    resolveCadence(
      [cadence.org, b.parentId ? cadence.branches.get(b.parentId) : null, cadence.branches.get(b.id)],
      s.rules,
    );
  const spansOf = new Map<string, LiaisonSpan[]>();
  for (const span of spans) spansOf.set(span.branchId, [...(spansOf.get(span.branchId) ?? []), span]);
  return list.map((b) => {
    const rules = rulesOf(b);
    const status = branchStatus({
      branch: {
        id: b.id,
        name: b.name,
        createdOn: b.createdOn,
        termYears: b.termYears,
        electedOn: b.electedOn,
        partyGroups: b.partyGroups,
      },
      meetings: meetings.get(b.id) ?? [],
      today: q.today,
      periodOf,
      rules,
    });
    const l = liaisonOf(liaison, b.id);
    const extras = {
      study: study.get(b.id) ?? { pending: 0, overdue: 0, medianLagDays: null },
      liaison: {
        updatesReceived: l.reportsThisYear,
        updatesExpected: liaisonUpdatesExpected(yearToday, spansOf.get(b.id) ?? []),
        lastVisitOn: l.lastVisitOn,
      },
      openProblems: l.openProblems,
    };
    return {
      branchId: b.id,
      name: b.name,
      status,
      extras,
      score: complianceScore(status, extras),
      cadenceNotes: cadenceDifferences(rules),
    };
  });
}

export const worstFirst = (reports: readonly BranchReport[]): BranchReport[] =>
  sortWorstFirst(reports.map((r) => ({ ...r, score: r.score.score, report: r }))).map((x) => x.report);
