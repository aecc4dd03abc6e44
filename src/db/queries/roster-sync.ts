import { and, eq, inArray, isNull } from "drizzle-orm";
import type { CadenceOverride } from "../../domain/cadence.ts";
import type { Roster } from "../../domain/roster.ts";
import type { IdentityKind, PlatformName } from "../../platforms/types.ts";
import {
  branchChats,
  branches,
  leadingBodyMembers,
  liaisonAssignments,
  memberIdentities,
  members,
  organisations,
  partyGroups,
} from "../schema.ts";
import type { Executor } from "../types.ts";
import { recordAudit } from "./audit.ts";

export interface RosterSyncSummary {
  created: number;
  updated: number;
  deactivated: number;
}

interface SyncContext {
  tx: Executor;
  orgId: string;
  actorLabel: string;
  now: Date;
  summary: RosterSyncSummary;
}

type Row = Record<string, unknown>;

/** JSON with object keys sorted: jsonb hands keys back in its own order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Row)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}

const same = (a: unknown, b: unknown) =>
  (a ?? null) === (b ?? null) ||
  (typeof a === "object" && typeof b === "object" && stableJson(a) === stableJson(b));

/** The roster's `cadence:` as stored: null when it changes nothing. */
const storedCadence = (o: CadenceOverride) => (Object.keys(o).length > 0 ? o : null);

/** Only the fields that differ, so an unchanged roster writes nothing at all. */
function changedFields<T extends Row>(current: T, wanted: Partial<T>): Partial<T> | undefined {
  const diff: Partial<T> = {};
  let any = false;
  for (const [key, value] of Object.entries(wanted) as [keyof T, T[keyof T]][]) {
    if (!same(current[key], value)) {
      diff[key] = value;
      any = true;
    }
  }
  return any ? diff : undefined;
}

async function audit(
  ctx: SyncContext,
  action: string,
  entity: string,
  entityId: string,
  before: unknown,
  after: unknown,
) {
  await recordAudit(ctx.tx, {
    orgId: ctx.orgId,
    actorLabel: ctx.actorLabel,
    action,
    entity,
    entityId,
    before: before ?? null,
    after: after ?? null,
    at: ctx.now,
  });
}

function pick<T extends Row>(before: T, diff: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(diff) as (keyof T)[]) out[key] = before[key];
  return out;
}

async function syncOrganisation(tx: Executor, roster: Roster, actorLabel: string, now: Date) {
  const wanted = {
    code: roster.organisation.code,
    name: roster.organisation.name,
    timezone: roster.organisation.timezone ?? "Asia/Shanghai",
    cadence: storedCadence(roster.organisation.cadence),
  };
  const [existing] = await tx.select().from(organisations).where(eq(organisations.code, wanted.code));
  const summary: RosterSyncSummary = { created: 0, updated: 0, deactivated: 0 };
  if (!existing) {
    const [row] = await tx.insert(organisations).values(wanted).returning();
    if (!row) throw new Error("insert organisation returned nothing");
    const ctx: SyncContext = { tx, orgId: row.id, actorLabel, now, summary };
    summary.created++;
    await audit(ctx, "create", "organisation", row.id, null, wanted);
    return ctx;
  }
  const ctx: SyncContext = { tx, orgId: existing.id, actorLabel, now, summary };
  const diff = changedFields(existing, wanted);
  if (diff) {
    await tx
      .update(organisations)
      .set({ ...diff, updatedAt: now })
      .where(eq(organisations.id, existing.id));
    summary.updated++;
    await audit(ctx, "update", "organisation", existing.id, pick(existing, diff), diff);
  }
  return ctx;
}

async function syncBranches(ctx: SyncContext, roster: Roster): Promise<Map<string, string>> {
  const { tx, orgId, now, summary } = ctx;
  const existing = await tx.select().from(branches).where(eq(branches.orgId, orgId));
  const byCode = new Map(existing.map((b) => [b.code, b]));
  const ids = new Map<string, string>();
  // Names are unique per organisation: free the names of branches being renamed or retired first.
  for (const b of roster.branches) {
    const clash = existing.find((e) => e.name === b.name && e.code !== b.code);
    if (clash) {
      await tx
        .update(branches)
        .set({ name: `${clash.name}（已停用 ${clash.code}）`, updatedAt: now })
        .where(eq(branches.id, clash.id));
      clash.name = `${clash.name}（已停用 ${clash.code}）`;
    }
  }
  // Parents after every branch exists, since a child may be listed before its 党总支.
  for (const b of roster.branches) {
    const wanted = {
      name: b.name,
      kind: b.kind,
      termYears: b.termYears,
      committeeElectedOn: b.electedOn ?? null,
      cadence: storedCadence(b.cadence),
      active: true,
    };
    const current = byCode.get(b.code);
    if (!current) {
      const [row] = await tx
        .insert(branches)
        .values({ ...wanted, orgId, code: b.code })
        .returning();
      if (!row) throw new Error("insert branch returned nothing");
      ids.set(b.code, row.id);
      summary.created++;
      await audit(ctx, "create", "branch", row.id, null, { code: b.code, ...wanted });
      continue;
    }
    ids.set(b.code, current.id);
    const diff = changedFields(current, wanted);
    if (diff) {
      await tx
        .update(branches)
        .set({ ...diff, updatedAt: now })
        .where(eq(branches.id, current.id));
      summary.updated++;
      await audit(ctx, "update", "branch", current.id, pick(current, diff), diff);
    }
  }
  for (const b of roster.branches) {
    const id = ids.get(b.code);
    if (!id) continue;
    const parentId = b.parent ? (ids.get(b.parent) ?? null) : null;
    const current = byCode.get(b.code);
    if ((current?.parentId ?? null) !== parentId) {
      await tx.update(branches).set({ parentId, updatedAt: now }).where(eq(branches.id, id));
      if (current) {
        summary.updated++;
        await audit(ctx, "update", "branch", id, { parentId: current.parentId }, { parentId });
      }
    }
  }
  for (const e of existing) {
    if (!ids.has(e.code) && e.active) {
      await tx
        .update(branches)
        .set({ active: false, parentId: null, updatedAt: now })
        .where(eq(branches.id, e.id));
      summary.deactivated++;
      await audit(ctx, "deactivate", "branch", e.id, { active: true }, { active: false });
    }
  }
  return ids;
}

async function syncChats(ctx: SyncContext, roster: Roster, branchIds: Map<string, string>) {
  const { tx, summary } = ctx;
  for (const b of roster.branches) {
    const branchId = branchIds.get(b.code);
    if (!branchId) continue;
    for (const [platform, chatId] of Object.entries(b.chats) as [PlatformName, string][]) {
      const [current] = await tx
        .select()
        .from(branchChats)
        .where(and(eq(branchChats.branchId, branchId), eq(branchChats.platform, platform)));
      if (current?.chatId === chatId) continue;
      // The chat may have been bound to another branch in chat; the roster wins.
      await tx
        .delete(branchChats)
        .where(and(eq(branchChats.platform, platform), eq(branchChats.chatId, chatId)));
      if (current)
        await tx
          .delete(branchChats)
          .where(and(eq(branchChats.branchId, branchId), eq(branchChats.platform, platform)));
      await tx.insert(branchChats).values({ branchId, platform, chatId });
      if (current) summary.updated++;
      else summary.created++;
      await audit(
        ctx,
        "bind-chat",
        "branch",
        branchId,
        current ? { platform, chatId: current.chatId } : null,
        { platform, chatId },
      );
    }
  }
}

async function syncGroups(
  ctx: SyncContext,
  roster: Roster,
  branchIds: Map<string, string>,
): Promise<Map<string, string>> {
  const { tx, now, summary } = ctx;
  const ids = new Map<string, string>(); // "branchCode|groupName" → id
  const allBranchIds = [...branchIds.values()];
  const existing = allBranchIds.length
    ? await tx.select().from(partyGroups).where(inArray(partyGroups.branchId, allBranchIds))
    : [];
  for (const b of roster.branches) {
    const branchId = branchIds.get(b.code);
    if (!branchId) continue;
    for (const name of b.groups) {
      const current = existing.find((g) => g.branchId === branchId && g.name === name);
      if (!current) {
        const [row] = await tx.insert(partyGroups).values({ branchId, name }).returning();
        if (!row) throw new Error("insert party group returned nothing");
        ids.set(`${b.code}|${name}`, row.id);
        summary.created++;
        await audit(ctx, "create", "party_group", row.id, null, { branch: b.code, name });
        continue;
      }
      ids.set(`${b.code}|${name}`, current.id);
      if (!current.active) {
        await tx
          .update(partyGroups)
          .set({ active: true, updatedAt: now })
          .where(eq(partyGroups.id, current.id));
        summary.updated++;
        await audit(ctx, "reactivate", "party_group", current.id, { active: false }, { active: true });
      }
    }
  }
  const kept = new Set(ids.values());
  for (const g of existing) {
    if (!kept.has(g.id) && g.active) {
      await tx.update(partyGroups).set({ active: false, updatedAt: now }).where(eq(partyGroups.id, g.id));
      summary.deactivated++;
      await audit(ctx, "deactivate", "party_group", g.id, { active: true }, { active: false });
    }
  }
  return ids;
}

function identitiesOf(
  m: Roster["members"][number],
): { platform: PlatformName; kind: IdentityKind; value: string }[] {
  const out: { platform: PlatformName; kind: IdentityKind; value: string }[] = [];
  if (m.feishu.openId) out.push({ platform: "feishu", kind: "open_id", value: m.feishu.openId });
  if (m.feishu.userId) out.push({ platform: "feishu", kind: "user_id", value: m.feishu.userId });
  if (m.feishu.unionId) out.push({ platform: "feishu", kind: "union_id", value: m.feishu.unionId });
  if (m.dingtalk.staffId) out.push({ platform: "dingtalk", kind: "staff_id", value: m.dingtalk.staffId });
  return out;
}

async function syncMembers(
  ctx: SyncContext,
  roster: Roster,
  branchIds: Map<string, string>,
  groupIds: Map<string, string>,
): Promise<Map<string, string>> {
  const { tx, orgId, now, summary } = ctx;
  const existing = await tx.select().from(members).where(eq(members.orgId, orgId));
  const byCode = new Map(existing.map((m) => [m.code, m]));
  const ids = new Map<string, string>();
  const existingIdentities = existing.length
    ? await tx
        .select()
        .from(memberIdentities)
        .where(
          inArray(
            memberIdentities.memberId,
            existing.map((m) => m.id),
          ),
        )
    : [];

  // Identities that move between members must leave their old owner before the unique index sees them twice.
  const wantedIdentity = new Map<string, string>();
  for (const m of roster.members)
    for (const i of identitiesOf(m)) wantedIdentity.set(`${i.platform}|${i.kind}|${i.value}`, m.code);
  const codeById = new Map(existing.map((m) => [m.id, m.code]));
  for (const i of existingIdentities) {
    const owner = wantedIdentity.get(`${i.platform}|${i.kind}|${i.value}`);
    const currentOwner = codeById.get(i.memberId);
    if (owner !== undefined && owner !== currentOwner) {
      await tx
        .delete(memberIdentities)
        .where(
          and(
            eq(memberIdentities.memberId, i.memberId),
            eq(memberIdentities.platform, i.platform),
            eq(memberIdentities.kind, i.kind),
          ),
        );
      i.value = "";
    }
  }

  for (const m of roster.members) {
    const branchId = branchIds.get(m.branch);
    if (!branchId) throw new Error(`branch ${m.branch} missing after sync`);
    const wanted = {
      name: m.name,
      branchId,
      role: m.role,
      partyGroupId: m.group ? (groupIds.get(`${m.branch}|${m.group}`) ?? null) : null,
      isLeader: m.isLeader,
      leaderTitle: m.leaderTitle ?? null,
      isAdmin: m.isAdmin,
      active: true,
      leftAt: null,
    };
    let memberId: string;
    const current = byCode.get(m.code);
    if (!current) {
      const [row] = await tx
        .insert(members)
        .values({ ...wanted, orgId, code: m.code })
        .returning();
      if (!row) throw new Error("insert member returned nothing");
      memberId = row.id;
      summary.created++;
      await audit(ctx, "create", "member", row.id, null, { code: m.code, ...wanted });
    } else {
      memberId = current.id;
      const diff = changedFields(current, wanted);
      if (diff) {
        await tx
          .update(members)
          .set({ ...diff, updatedAt: now })
          .where(eq(members.id, current.id));
        summary.updated++;
        await audit(
          ctx,
          current.active ? "update" : "reactivate",
          "member",
          current.id,
          pick(current, diff),
          diff,
        );
      }
    }
    ids.set(m.code, memberId);

    const wantedIds = identitiesOf(m);
    const mine = existingIdentities.filter((i) => i.memberId === memberId);
    for (const w of wantedIds) {
      const have = mine.find((i) => i.platform === w.platform && i.kind === w.kind);
      if (have?.value === w.value) continue;
      if (have) {
        await tx
          .update(memberIdentities)
          .set({ value: w.value })
          .where(
            and(
              eq(memberIdentities.memberId, memberId),
              eq(memberIdentities.platform, w.platform),
              eq(memberIdentities.kind, w.kind),
            ),
          );
      } else {
        await tx.insert(memberIdentities).values({ memberId, ...w });
      }
      if (have || current) summary.updated++;
      else summary.created++;
      await audit(
        ctx,
        "set-identity",
        "member",
        memberId,
        have?.value ? { [`${w.platform}.${w.kind}`]: have.value } : null,
        {
          [`${w.platform}.${w.kind}`]: w.value,
        },
      );
    }
    for (const have of mine) {
      // The local console's ids are its own (one per member), not the roster file's to remove.
      if (have.value === "" || have.platform === "local") continue;
      if (!wantedIds.some((w) => w.platform === have.platform && w.kind === have.kind)) {
        await tx
          .delete(memberIdentities)
          .where(
            and(
              eq(memberIdentities.memberId, memberId),
              eq(memberIdentities.platform, have.platform),
              eq(memberIdentities.kind, have.kind),
            ),
          );
        summary.updated++;
        await audit(
          ctx,
          "remove-identity",
          "member",
          memberId,
          { [`${have.platform}.${have.kind}`]: have.value },
          null,
        );
      }
    }
  }

  // Members who left are kept, inactive: their attendance and reports are history.
  for (const e of existing) {
    if (!ids.has(e.code) && e.active) {
      await tx
        .update(members)
        .set({ active: false, leftAt: now, updatedAt: now })
        .where(eq(members.id, e.id));
      summary.deactivated++;
      await audit(ctx, "deactivate", "member", e.id, { active: true }, { active: false });
    }
  }
  return ids;
}

async function syncLiaisons(
  ctx: SyncContext,
  roster: Roster,
  branchIds: Map<string, string>,
  memberIds: Map<string, string>,
  today: string,
) {
  const { tx, now, summary } = ctx;
  const leaderIds = [...memberIds.values()];
  const existing = leaderIds.length
    ? await tx.select().from(liaisonAssignments).where(inArray(liaisonAssignments.leaderId, leaderIds))
    : [];
  const kept = new Set<string>();
  for (const l of roster.liaisons) {
    const leaderId = memberIds.get(l.leader);
    const branchId = branchIds.get(l.branch);
    if (!leaderId || !branchId) continue;
    const current = existing.find(
      (e) => e.leaderId === leaderId && e.branchId === branchId && e.validFrom === l.from,
    );
    if (!current) {
      const [row] = await tx
        .insert(liaisonAssignments)
        .values({ leaderId, branchId, validFrom: l.from, validTo: l.to ?? null })
        .returning();
      if (!row) throw new Error("insert liaison returned nothing");
      kept.add(row.id);
      summary.created++;
      await audit(ctx, "create", "liaison", row.id, null, {
        leader: l.leader,
        branch: l.branch,
        from: l.from,
        to: l.to ?? null,
      });
      continue;
    }
    kept.add(current.id);
    // Ended (or reopened) in chat since: the admin's later word stands until the roster changes the period.
    if (current.source === "chat") continue;
    if ((current.validTo ?? null) !== (l.to ?? null)) {
      await tx
        .update(liaisonAssignments)
        .set({ validTo: l.to ?? null, updatedAt: now })
        .where(eq(liaisonAssignments.id, current.id));
      summary.updated++;
      await audit(
        ctx,
        "update",
        "liaison",
        current.id,
        { validTo: current.validTo },
        { validTo: l.to ?? null },
      );
    }
  }
  // An assignment dropped from the roster ends today rather than vanishing, so past reports keep their context.
  for (const e of existing) {
    // Assignments made in chat are not the roster's to end.
    if (kept.has(e.id) || e.validTo !== null || e.source === "chat") continue;
    const end = e.validFrom > today ? e.validFrom : today;
    await tx
      .update(liaisonAssignments)
      .set({ validTo: end, updatedAt: now })
      .where(and(eq(liaisonAssignments.id, e.id), isNull(liaisonAssignments.validTo)));
    summary.deactivated++;
    await audit(ctx, "end", "liaison", e.id, { validTo: null }, { validTo: end });
  }
}

async function syncLeadingBodies(ctx: SyncContext, roster: Roster, memberIds: Map<string, string>) {
  const { tx, orgId, summary } = ctx;
  const existing = await tx.select().from(leadingBodyMembers).where(eq(leadingBodyMembers.orgId, orgId));
  for (const [body, codes] of [
    ["leading_group", roster.leadingGroup],
    ["central_group", roster.centralGroup],
  ] as const) {
    const wanted = new Set(codes.map((c) => memberIds.get(c)).filter((id): id is string => Boolean(id)));
    const have = new Set(existing.filter((e) => e.body === body).map((e) => e.memberId));
    for (const memberId of wanted) {
      if (have.has(memberId)) continue;
      await tx.insert(leadingBodyMembers).values({ orgId, body, memberId });
      summary.created++;
      await audit(ctx, "join", body, memberId, null, { body });
    }
    for (const memberId of have) {
      if (wanted.has(memberId)) continue;
      await tx
        .delete(leadingBodyMembers)
        .where(
          and(
            eq(leadingBodyMembers.orgId, orgId),
            eq(leadingBodyMembers.body, body),
            eq(leadingBodyMembers.memberId, memberId),
          ),
        );
      summary.deactivated++;
      await audit(ctx, "leave", body, memberId, { body }, null);
    }
  }
}

/**
 * Brings the database in line with a validated roster. Writes only what differs, so re-importing
 * the same roster changes nothing; run it inside one transaction.
 */
export async function syncRoster(
  tx: Executor,
  roster: Roster,
  options: { actorLabel: string; now: Date; today: string },
): Promise<RosterSyncSummary & { orgId: string }> {
  const ctx = await syncOrganisation(tx, roster, options.actorLabel, options.now);
  const branchIds = await syncBranches(ctx, roster);
  await syncChats(ctx, roster, branchIds);
  const groupIds = await syncGroups(ctx, roster, branchIds);
  const memberIds = await syncMembers(ctx, roster, branchIds, groupIds);
  await syncLiaisons(ctx, roster, branchIds, memberIds, options.today);
  await syncLeadingBodies(ctx, roster, memberIds);
  return { ...ctx.summary, orgId: ctx.orgId };
}
