/**
 * 支部情况: how a branch is doing (this month / quarter / year against the cadence rules, attendance and
 * its 12-month trend, 第一议题, 联系点, 换届), the organ overview 机关情况 worst first, the monthly digest
 * and the 换届 reminders. Composed from the meetings, 第一议题 and 联系点 summaries.
 */
import { findBranchByChat } from "../../db/queries/branch-chats.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import { liaisonBranchIdsOf, type StatusBranchRow, statusBranches } from "../../db/queries/status.ts";
import type { Executor } from "../../db/types.ts";
import { didYouMean, matchBranch } from "../../domain/branch-match.ts";
import { DEFAULT_CADENCE } from "../../domain/cadence.ts";
import { mayManage } from "../../domain/permissions.ts";
import { BRANCH_STATUS_SYNTAX, ORGAN_STATUS_SYNTAX } from "../../domain/status-command.ts";
import { localDate } from "../../domain/time.ts";
import type { CardActionResponse, OutboundMessage } from "../../platforms/types.ts";
import { UNBOUND_CHAT_TEXT } from "../branch-of.ts";
import type { CardActionContext } from "../card-actions.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import { ledgerCardFor } from "../meetings/summary.ts";
import { branchStatusCard, overviewCard, STATUS_ACTIONS } from "../views/status-cards.ts";
import { loadWorkCalendar } from "../work-calendar.ts";
import { createStatusDigestPlanner } from "./digest-planner.ts";
import { liaisonSource } from "./liaison-source.ts";
import { branchReports, partyBranches, type StatusSettings, worstFirst } from "./reports.ts";
import { createTermReminderPlanner } from "./term-planner.ts";

/** More than this many liaison branches asked at once get one card each only up to here. */
const MAX_CARDS_PER_ASK = 5;
export const STATUS_REFUSED = "支部情况仅限本支部党员、联系该支部的领导干部和机关党委工作人员查看。";
const OVERVIEW_REFUSED = "机关情况仅限机关党委工作人员和领导干部查看。";
const LEDGER_REFUSED = "会议明细仅限本支部书记、副书记、委员，联系该支部的领导干部和机关党委工作人员查看。";

const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

async function mayView(db: Executor, member: MemberRow, branchId: string, today: string): Promise<boolean> {
  if (member.isAdmin || member.branchId === branchId) return true;
  if (!member.isLeader) return false;
  return (await liaisonBranchIdsOf(db, member.id, today)).includes(branchId);
}

export const statusFeature: FeatureModule = {
  name: "status",
  create({ config, recipients }) {
    const settings: StatusSettings = {
      timeZone: config.timezone,
      overdueDays: config.study.overdueDays,
      rules: DEFAULT_CADENCE,
      liaison: liaisonSource,
    };
    const today = (now: Date) => localDate(now, settings.timeZone);

    async function cards(db: Executor, member: MemberRow, branches: StatusBranchRow[], now: Date) {
      const reports = await branchReports(db, settings, {
        orgId: member.orgId,
        today: today(now),
        branches,
      });
      return reports.map((r) => branchStatusCard(r));
    }

    /** What `支部情况 <name>` refers to, or what to answer instead. */
    async function named(db: Executor, member: MemberRow, name: string, now: Date) {
      const all = await partyBranches(db, member.orgId, settings.timeZone);
      const match = matchBranch(name, all);
      if (match.kind === "ambiguous") return text(didYouMean(match.candidates));
      if (match.kind === "none") {
        return text(
          match.suggestions.length
            ? `没有找到“${name}”。${didYouMean(match.suggestions)}`
            : `没有找到“${name}”，请写出支部全称或简称，如“支部情况 办公室”。`,
        );
      }
      if (!(await mayView(db, member, match.branch.id, today(now)))) return text(STATUS_REFUSED);
      return [match.branch];
    }

    async function ledger(ctx: CardActionContext): Promise<CardActionResponse> {
      const branchId = ctx.event.value.branch ?? "";
      const t = today(ctx.now);
      const liaison = ctx.member.isLeader ? await liaisonBranchIdsOf(ctx.db, ctx.member.id, t) : [];
      if (!mayManage(ctx.member, branchId) && !liaison.includes(branchId))
        return { toast: { type: "warning", text: LEDGER_REFUSED } };
      const [branch] = await statusBranches(ctx.db, {
        orgId: ctx.member.orgId,
        ids: [branchId],
        timeZone: settings.timeZone,
      });
      if (!branch) return { toast: { type: "warning", text: "该支部已不在名册中。" } };
      const card = await ledgerCardFor(ctx.db, settings.timeZone, branch, ctx.now);
      card.blocks.push({
        type: "buttons",
        buttons: [{ label: "返回支部情况", value: { action: STATUS_ACTIONS.show, branch: branch.id } }],
      });
      return { card };
    }

    async function show(ctx: CardActionContext): Promise<CardActionResponse> {
      const branchId = ctx.event.value.branch ?? "";
      if (!(await mayView(ctx.db, ctx.member, branchId, today(ctx.now))))
        return { toast: { type: "warning", text: STATUS_REFUSED } };
      const branches = await statusBranches(ctx.db, {
        orgId: ctx.member.orgId,
        ids: [branchId],
        timeZone: settings.timeZone,
      });
      const [card] = await cards(ctx.db, ctx.member, branches, ctx.now);
      return card ? { card } : { toast: { type: "warning", text: "该支部已不在名册中。" } };
    }

    return {
      commands: [
        defineCommand({
          ...BRANCH_STATUS_SYNTAX,
          async handle(ctx, { name }) {
            const { db, member, now } = ctx;
            let branches: StatusBranchRow[];
            if (name) {
              const found = await named(db, member, name, now);
              if (!Array.isArray(found)) return ctx.reply(found);
              branches = found;
            } else if (ctx.event.chatType === "group") {
              const chat = await findBranchByChat(db, ctx.event.platform, ctx.event.chatId);
              if (!chat) return ctx.reply(text(UNBOUND_CHAT_TEXT));
              if (chat.kind !== "branch")
                return ctx.reply(
                  text("本群不是党支部的工作群。查看各支部请发送“机关情况”，或“支部情况 支部名”。"),
                );
              branches = await statusBranches(db, {
                orgId: member.orgId,
                ids: [chat.id],
                timeZone: settings.timeZone,
              });
            } else {
              // Privately: a leader asks about the branches they are liaison for; everyone else their own.
              const liaison = member.isLeader ? await liaisonBranchIdsOf(db, member.id, today(now)) : [];
              const ids = liaison.length ? liaison : [member.branchId];
              branches = (
                await statusBranches(db, { orgId: member.orgId, ids, timeZone: settings.timeZone })
              ).filter((b) => b.kind === "branch");
              if (branches.length === 0)
                return ctx.reply(text("您所在的组织不是党支部，请用“支部情况 支部名”查看某个支部。"));
            }
            const shown = branches.slice(0, MAX_CARDS_PER_ASK);
            for (const card of await cards(db, member, shown, now)) await ctx.reply({ kind: "card", card });
            if (branches.length > shown.length)
              await ctx.reply(
                text(`另有 ${branches.length - shown.length} 个联系点支部，请用“支部情况 支部名”查看。`),
              );
          },
        }),
        defineCommand({
          ...ORGAN_STATUS_SYNTAX,
          async handle(ctx, { name }) {
            const { db, member, now } = ctx;
            if (!member.isAdmin && !member.isLeader) return ctx.reply(text(OVERVIEW_REFUSED));
            const all = await statusBranches(db, { orgId: member.orgId, timeZone: settings.timeZone });
            let branches = all.filter((b) => b.kind === "branch");
            let title = "全机关";
            if (name) {
              const generals = all.filter((b) => b.kind === "general_branch");
              const match = matchBranch(name, generals);
              if (match.kind === "ambiguous") return ctx.reply(text(didYouMean(match.candidates)));
              if (match.kind === "none") {
                const known = generals.map((g) => g.name).join("、") || "（名册中没有党总支）";
                return ctx.reply(text(`没有找到党总支“${name}”。可选：${known}`));
              }
              title = match.branch.name;
              branches = branches.filter((b) => b.parentId === match.branch.id);
            }
            const reports = await branchReports(db, settings, {
              orgId: member.orgId,
              today: today(now),
              branches,
            });
            await ctx.reply({
              kind: "card",
              card: overviewCard(worstFirst(reports), { title, asOf: today(now) }),
            });
          },
        }),
      ],
      actions: { [STATUS_ACTIONS.ledger]: ledger, [STATUS_ACTIONS.show]: show },
      planners: [
        createStatusDigestPlanner({
          enabled: config.status.digestEnabled,
          localTime: config.status.digestTime,
          settings,
          recipients,
          loadCalendar: loadWorkCalendar,
        }),
        ...(config.status.termReminders
          ? [createTermReminderPlanner({ localTime: config.scheduler.workdayTime, recipients })]
          : []),
      ],
    };
  },
};
