import { listActivePartyBranches } from "../../db/queries/branch-chats.ts";
import {
  branchStudies,
  closedMeetingsWithoutRecord,
  listStudyItems,
  pendingStudyItems,
  recentStudies,
} from "../../db/queries/study.ts";
import type { Database } from "../../db/types.ts";
import { delayDays, isOverdue, pendingItems, summarizeTimeliness } from "../../domain/study.ts";
import { localDate } from "../../domain/time.ts";
import type { CardView } from "../../platforms/types.ts";
import { branchStudyCard, studyOverviewCard } from "../views/study-cards.ts";

export interface StudySettings {
  timeZone: string;
  /** Days after which a pending item, or an unrecorded meeting, makes a branch overdue. */
  overdueDays: number;
}

/** @支部助手 第一议题 in a branch chat. */
export async function branchStudyStatus(
  db: Database,
  branch: { id: string; orgId: string; name: string },
  now: Date,
  settings: StudySettings,
): Promise<CardView> {
  const today = localDate(now, settings.timeZone);
  const pending = await pendingStudyItems(db, branch.orgId, { branchId: branch.id }, settings.timeZone);
  const recent = await recentStudies(db, { branchId: branch.id }, 5);
  const overdue = new Set(pending.filter((p) => isOverdue(p, today, settings.overdueDays)).map((p) => p.id));
  return branchStudyCard(
    branch.name,
    pending,
    recent.map((r) => {
      const studiedOn = localDate(r.startsAt, settings.timeZone);
      return { ...r, studiedOn, delay: delayDays(r.publishedOn, studiedOn) };
    }),
    overdue,
  );
}

export interface BranchStudyOverview {
  branchId: string;
  name: string;
  overdue: string[];
  unrecordedMeetings: number;
}

/** Organ-wide: per item coverage and delay, per branch what is overdue. Admin only. */
export async function studyOverview(db: Database, orgId: string, now: Date, settings: StudySettings) {
  const today = localDate(now, settings.timeZone);
  const items = await listStudyItems(db, orgId, settings.timeZone);
  const active = await listActivePartyBranches(db, orgId);
  const studies = await branchStudies(db, orgId);
  const timeliness = summarizeTimeliness(
    items,
    active.length,
    studies.flatMap((s) =>
      s.branchId
        ? [{ itemId: s.itemId, branchId: s.branchId, studiedOn: localDate(s.startsAt, settings.timeZone) }]
        : [],
    ),
  );
  const unrecorded = await closedMeetingsWithoutRecord(db, orgId);
  const perBranch: BranchStudyOverview[] = active.map((b) => {
    const studied = new Set(studies.filter((s) => s.branchId === b.id).map((s) => s.itemId));
    const pending = pendingItems(items, studied, false);
    return {
      branchId: b.id,
      name: b.name,
      overdue: pending.filter((p) => isOverdue(p, today, settings.overdueDays)).map((p) => p.title),
      unrecordedMeetings: unrecorded.filter(
        (m) =>
          m.branchId === b.id &&
          m.closedAt &&
          delayDays(localDate(m.closedAt, settings.timeZone), today) > settings.overdueDays,
      ).length,
    };
  });
  return { timeliness, perBranch, card: studyOverviewCard(timeliness, perBranch) };
}
