import { recordAudit } from "../../db/queries/audit.ts";
import { findBranchByCodeOrName } from "../../db/queries/branch-chats.ts";
import {
  activeMembersNamed,
  endAssignment,
  insertAssignment,
  liaisonBranchesOf,
} from "../../db/queries/liaison.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import type { Database } from "../../db/types.ts";
import { checkAssign, checkUnassign } from "../../domain/liaison-assignment.ts";
import { localDate } from "../../domain/time.ts";

const ADMINS_ONLY = "只有机关党委工作人员可以指定或取消联系点。";

async function resolve(db: Database, orgId: string, leaderName: string, branchName: string) {
  const leaders = await activeMembersNamed(db, orgId, leaderName);
  if (leaders.length === 0) return { error: `名册中没有“${leaderName}”，请检查姓名。` } as const;
  if (leaders.length > 1)
    return {
      error: `名册中有 ${leaders.length} 位“${leaderName}”，无法确定是哪一位，请在名册中设置联系点后重新导入。`,
    } as const;
  const branch =
    (await findBranchByCodeOrName(db, branchName)) ??
    (await findBranchByCodeOrName(db, `${branchName}党支部`));
  if (!branch || branch.orgId !== orgId || !branch.active)
    return { error: `找不到支部“${branchName}”，请写支部全称，如 办公室党支部。` } as const;
  return { leader: leaders[0] as MemberRow, branch } as const;
}

/** `联系点 指定 张三 办公室党支部`: admins only, from today, audited; kept by later roster imports. */
export async function assignLiaison(
  db: Database,
  admin: Pick<MemberRow, "id" | "isAdmin" | "orgId">,
  args: { leaderName: string; branchName: string },
  now: Date,
  timeZone: string,
): Promise<string> {
  if (!admin.isAdmin) return ADMINS_ONLY;
  const found = await resolve(db, admin.orgId, args.leaderName, args.branchName);
  if ("error" in found) return found.error ?? "";
  const { leader, branch } = found;
  const today = localDate(now, timeZone);
  const current = await liaisonBranchesOf(db, leader.id, today);
  const decision = checkAssign(
    { id: leader.id, name: leader.name, isLeader: leader.isLeader, branchId: leader.branchId },
    { id: branch.id, name: branch.name, kind: branch.kind === "branch" ? "branch" : "general_branch" },
    current.map((c) => c.id),
    today,
  );
  if (!decision.ok) return decision.message;
  await db.transaction(async (tx) => {
    const row = await insertAssignment(tx, {
      leaderId: leader.id,
      branchId: branch.id,
      validFrom: decision.validFrom,
      at: now,
    });
    await recordAudit(tx, {
      orgId: admin.orgId,
      actorId: admin.id,
      action: "create",
      entity: "liaison",
      entityId: row.id,
      after: { leader: leader.name, branch: branch.name, from: decision.validFrom, source: "chat" },
      at: now,
    });
  });
  const others = current.map((c) => c.name);
  return (
    `已指定 ${leader.name} 联系 ${branch.name}（自 ${decision.validFrom} 起）。` +
    (others.length ? `${leader.name} 现联系 ${[...others, branch.name].join("、")}。` : "") +
    "此后每月将按时向其发送联系点填报卡片。"
  );
}

/** `联系点 取消 张三 办公室党支部`: the assignment ends yesterday (this month is no longer expected). */
export async function unassignLiaison(
  db: Database,
  admin: Pick<MemberRow, "id" | "isAdmin" | "orgId">,
  args: { leaderName: string; branchName: string },
  now: Date,
  timeZone: string,
): Promise<string> {
  if (!admin.isAdmin) return ADMINS_ONLY;
  const found = await resolve(db, admin.orgId, args.leaderName, args.branchName);
  if ("error" in found) return found.error ?? "";
  const { leader, branch } = found;
  const today = localDate(now, timeZone);
  const current = (await liaisonBranchesOf(db, leader.id, today)).find((c) => c.id === branch.id);
  const decision = checkUnassign(leader, branch, current, today);
  if (!decision.ok) return decision.message;
  if (!current) return "";
  await db.transaction(async (tx) => {
    await endAssignment(tx, current.assignmentId, decision.validTo, now);
    await recordAudit(tx, {
      orgId: admin.orgId,
      actorId: admin.id,
      action: "end",
      entity: "liaison",
      entityId: current.assignmentId,
      before: { validTo: null },
      after: { leader: leader.name, branch: branch.name, validTo: decision.validTo, source: "chat" },
      at: now,
    });
  });
  return `已取消 ${leader.name} 对 ${branch.name} 的联系（截至 ${decision.validTo}），不再发送该支部的填报卡片。`;
}
