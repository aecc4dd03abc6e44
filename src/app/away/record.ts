import { recordAudit } from "../../db/queries/audit.ts";
import {
  awayPeriodsOf,
  cancelAwayPeriod,
  insertAwayPeriod,
  shortenAwayPeriod,
} from "../../db/queries/away.ts";
import { activeMembersNamed } from "../../db/queries/liaison.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import type { Database } from "../../db/types.ts";
import {
  AWAY_EXAMPLE,
  AWAY_MAX_DAYS_BACK,
  type AwayCommand,
  chooseCancel,
  formatDay,
  formatRange,
  overlapping,
  resolveRange,
} from "../../domain/away.ts";
import { addDays, localDate } from "../../domain/time.ts";
import { sendPrivately } from "../private-messages.ts";
import type { Recipients } from "../recipients.ts";

export const AWAY_NOTICE_KIND = "away.notice";

export interface AwayDeps {
  timeZone: string;
  recipients: Recipients;
}

interface Acting {
  db: Database;
  member: MemberRow;
  now: Date;
}

/** Whose absences a command is about, or why it may not be done. */
async function whose(
  { db, member }: Acting,
  name: string | undefined,
  /** `外出 下周`: a word that is no one's name may have been meant as a date. */
  listing: boolean,
): Promise<{ target: MemberRow } | { refusal: string }> {
  if (name === undefined || name === member.name) return { target: member };
  let found = await activeMembersNamed(db, member.orgId, name);
  // A 书记 means the one in his own branch when the name repeats elsewhere in the organ.
  if (found.length > 1 && !member.isAdmin) {
    const own = found.filter((m) => m.branchId === member.branchId);
    if (own.length > 0) found = own;
  }
  if (found.length === 0)
    return {
      refusal: listing
        ? `名册中没有“${name}”。登记本人外出请写明日期，如：${AWAY_EXAMPLE}`
        : `名册中没有“${name}”，请检查姓名。`,
    };
  if (found.length > 1)
    return { refusal: `名册中有 ${found.length} 位“${name}”，无法确定是哪一位，请联系机关党委登记。` };
  const target = found[0] as MemberRow;
  const mayAct = member.isAdmin || (member.role === "secretary" && member.branchId === target.branchId);
  if (!mayAct)
    return { refusal: `只有机关党委工作人员和${target.name}所在支部的书记可以为其登记或撤销外出。` };
  return { target };
}

/** `外出 …`: lists, records or withdraws an absence; returns the reply. */
export async function handleAway(deps: AwayDeps, acting: Acting, c: AwayCommand): Promise<string> {
  const who = await whose(acting, c.name, c.type === "list");
  if ("refusal" in who) return who.refusal;
  const { target } = who;
  if (c.type === "list") return list(deps, acting, target);
  if (c.type === "record") return record(deps, acting, target, c);
  return cancel(deps, acting, target, c);
}

const self = (acting: Acting, target: MemberRow) => target.id === acting.member.id;

async function list(deps: AwayDeps, acting: Acting, target: MemberRow): Promise<string> {
  const today = localDate(acting.now, deps.timeZone);
  const you = self(acting, target) ? "您" : target.name;
  const periods = await awayPeriodsOf(acting.db, target.id, today);
  if (periods.length === 0)
    return `${you}目前没有登记外出。${self(acting, target) ? `登记请发送：${AWAY_EXAMPLE}` : ""}`;
  const lines = periods.map(
    (p) => `· ${formatRange(p.from, p.to, today)} ${p.reason}${p.from <= today ? "（外出中）" : ""}`,
  );
  const how = self(acting, target) ? "外出 取消" : `外出 取消 ${target.name}`;
  return `${you}登记的外出：\n${lines.join("\n")}\n期间不再私信催报和提醒。撤销请发送“${how}”。`;
}

async function record(
  deps: AwayDeps,
  acting: Acting,
  target: MemberRow,
  c: Extract<AwayCommand, { type: "record" }>,
): Promise<string> {
  const { db, member, now } = acting;
  const today = localDate(now, deps.timeZone);
  const range = resolveRange(c.range, today);
  if (!range.ok) return range.message;
  const { from, to } = range;
  const you = self(acting, target) ? "您" : target.name;
  const when = formatRange(from, to, today);
  const written = await db.transaction(async (tx) => {
    const clash = overlapping(await awayPeriodsOf(tx, target.id, from), from, to);
    if (clash) return { clash };
    const row = await insertAwayPeriod(tx, {
      orgId: target.orgId,
      memberId: target.id,
      from,
      to,
      reason: c.reason,
      by: member.id,
      at: now,
    });
    await recordAudit(tx, {
      orgId: target.orgId,
      actorId: member.id,
      action: "create",
      entity: "away_period",
      entityId: row.id,
      after: { member: target.name, from, to, reason: c.reason },
      at: now,
    });
    return { row };
  });
  if ("clash" in written && written.clash) {
    const p = written.clash;
    return (
      `${you}已登记 ${formatRange(p.from, p.to, today)} ${p.reason}，与 ${when} 重叠。` +
      `如需改动，请先发送“外出 取消${self(acting, target) ? "" : ` ${target.name}`} ${formatDay(p.from, today)}”再重新登记。`
    );
  }
  const done = `已登记：${you} ${when} ${c.reason}。`;
  const effect =
    to < today
      ? ""
      : `期间不再私信${self(acting, target) ? "您" : "其"}催报和提醒，${formatDay(addDays(to, 1), today)}起恢复。`;
  if (self(acting, target) || !("row" in written) || !written.row) return done + effect;
  const told = await tell(deps, acting, target, `away:${written.row.id}`, "recorded", {
    text:
      `${member.name}为您登记了外出：${when} ${c.reason}。` +
      (to < today ? "" : "期间不再私信您催报和提醒。") +
      "如有误，请发送“外出 取消”撤销，或与其联系。",
  });
  return done + effect + told;
}

async function cancel(
  deps: AwayDeps,
  acting: Acting,
  target: MemberRow,
  c: Extract<AwayCommand, { type: "cancel" }>,
): Promise<string> {
  const { db, member, now } = acting;
  const today = localDate(now, deps.timeZone);
  let day: string | undefined;
  if (c.day) {
    const r = resolveRange({ start: c.day, end: undefined }, today);
    if (!r.ok) return r.message;
    day = r.from;
  }
  const you = self(acting, target) ? "您" : target.name;
  const periods = await awayPeriodsOf(db, target.id, addDays(today, -AWAY_MAX_DAYS_BACK));
  const choice = chooseCancel(periods, day, today, you);
  if (choice.kind === "none" || choice.kind === "ask") return choice.message;
  const p = choice.period;
  await db.transaction(async (tx) => {
    if (choice.kind === "shorten") await shortenAwayPeriod(tx, p.id, choice.to, now);
    else await cancelAwayPeriod(tx, p.id, now);
    await recordAudit(tx, {
      orgId: target.orgId,
      actorId: member.id,
      action: choice.kind === "shorten" ? "end" : "cancel",
      entity: "away_period",
      entityId: p.id,
      before: { member: target.name, from: p.from, to: p.to, reason: p.reason },
      after: choice.kind === "shorten" ? { to: choice.to } : { cancelled: true },
      at: now,
    });
  });
  const text =
    choice.kind === "shorten"
      ? `已结束${you}的外出（${p.reason}），记为 ${formatRange(p.from, choice.to, today)}；今天起恢复提醒。`
      : `已撤销${you} ${formatRange(p.from, p.to, today)} 的外出（${p.reason}）。`;
  if (self(acting, target)) return text;
  const told = await tell(deps, acting, target, `away:${p.id}`, `cancel@${now.toISOString()}`, {
    text: `${member.name}${choice.kind === "shorten" ? "结束" : "撤销"}了您 ${formatRange(p.from, p.to, today)} 的外出登记（${p.reason}）。`,
  });
  return text + told;
}

/** Someone else recorded or withdrew it: the member hears so, privately. */
async function tell(
  deps: AwayDeps,
  acting: Acting,
  target: MemberRow,
  subject: string,
  slot: string,
  message: { text: string },
): Promise<string> {
  const queued = await sendPrivately(
    { db: acting.db, recipients: deps.recipients },
    {
      kind: AWAY_NOTICE_KIND,
      subject,
      slot,
      memberIds: [target.id],
      build: () => ({ kind: "text", text: message.text }),
      now: acting.now,
    },
  );
  return queued > 0 ? `正在私信告知${target.name}。` : `（${target.name}未登记聊天账号，未能私信告知。）`;
}
