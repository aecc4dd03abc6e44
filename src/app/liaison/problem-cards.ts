import type { LiaisonProblemRow, ProblemView } from "../../db/queries/liaison.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import type { Executor } from "../../db/types.ts";
import { messagesTo } from "../recipients.ts";
import { type ProblemOnCard, problemCard } from "../views/liaison-cards.ts";
import type { LiaisonDeps } from "./deps.ts";

export const LIAISON_PROBLEM_CARD_KIND = "liaison.problem_card";
export const problemSubject = (id: string) => `liaison-problem:${id}`;

export function problemOnCard(p: ProblemView): ProblemOnCard {
  return {
    id: p.id,
    description: p.description,
    branchName: p.branchName,
    leaderName: p.leaderName,
    month: p.month,
    raisedOn: p.raisedOn,
    ownerLabel: p.ownerLabel,
    ownerName: p.ownerName,
    status: p.status,
    resolution: p.resolution,
    resolvedOn: p.resolvedOn,
    coordinationNeed: p.coordinationNeed,
  };
}

/**
 * Each new problem's card to whoever answers for it (its owner, or the 机关党委 when nobody could be
 * found). Returns how many problems reached someone.
 */
export async function sendProblemCards(
  deps: Pick<LiaisonDeps, "recipients">,
  db: Executor,
  problems: readonly LiaisonProblemRow[],
  report: { leaderName: string; branchName: string; month: string; orgId: string },
  now: Date,
): Promise<number> {
  let reached = 0;
  for (const p of problems) {
    const addresses = p.ownerId
      ? await deps.recipients.members(db, [p.ownerId])
      : await deps.recipients.organCommittee(db, report.orgId);
    if (addresses.length === 0) continue;
    const card = problemCard({
      ...p,
      branchName: report.branchName,
      leaderName: report.leaderName,
      month: report.month,
      ownerName: null,
    });
    await enqueue(
      db,
      messagesTo(addresses, {
        kind: LIAISON_PROBLEM_CARD_KIND,
        subject: `liaison-problem-card:${p.id}`,
        slot: "raised",
        message: { kind: "card", card },
        dueAt: now,
      }),
      now,
    );
    reached++;
  }
  return reached;
}
