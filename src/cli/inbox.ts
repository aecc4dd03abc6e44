import { parseArgs } from "node:util";
import { recordAudit } from "../db/queries/audit.ts";
import { countInbound, type InboxRow, listInbound, requeueInbound } from "../db/queries/inbox.ts";
import type { CliIo } from "./outbox.ts";

export const INBOX_USAGE = `  inbox                  收到的消息与卡片操作：待处理、已处理、已搁置各多少条
  inbox --failed         列出多次处理失败、已搁置的事件（平台、事件编号、类型、次数、最后错误）
  inbox --pending        列出尚待处理的事件
  inbox requeue <事件编号>  把一条已搁置的事件重新处理；--all-failed 重新处理全部已搁置事件`;

const clip = (s: string | null, n: number) => {
  const t = (s ?? "").replace(/\s+/g, " ");
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

function printRows(rows: InboxRow[], io: CliIo, what: "failed" | "pending") {
  if (rows.length === 0) {
    io.out(what === "failed" ? "没有已搁置的事件。" : "没有待处理的事件。");
    return;
  }
  io.out(["平台", "事件编号", "类型", "收到时间", "次数", "最后错误"].join("\t"));
  for (const r of rows) {
    io.out(
      [
        r.platform,
        r.eventId,
        r.eventType,
        r.receivedAt.toISOString(),
        r.attempts,
        clip(r.lastError, 120),
      ].join("\t"),
    );
  }
  io.out(
    what === "failed"
      ? `共 ${rows.length} 条。修复原因后用 npx zhibu inbox requeue <事件编号> 或 --all-failed 重新处理。`
      : `共 ${rows.length} 条。运行中的服务会在一分钟内处理。`,
  );
}

/** `npx zhibu inbox`: what the bot received and has not (yet) handled. */
export async function runInbox(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      failed: { type: "boolean" },
      pending: { type: "boolean" },
      "all-failed": { type: "boolean" },
    },
  });
  const [sub, eventId] = positionals;
  if (sub === undefined && (values.failed || values.pending)) {
    const state = values.failed ? "failed" : "pending";
    printRows(await listInbound(io.db, state), io, state);
    return 0;
  }
  if (sub === undefined) {
    const n = await countInbound(io.db);
    io.out(`待处理 ${n.pending} 条，已处理 ${n.done} 条，已搁置 ${n.failed} 条。`);
    return 0;
  }
  if (sub === "requeue") {
    const all = values["all-failed"] === true;
    if (!all && !eventId) {
      io.err("请指定事件编号，或用 --all-failed 重新处理全部已搁置事件，例如：npx zhibu inbox requeue om_x1");
      return 2;
    }
    const n = await requeueInbound(io.db, all ? { allFailed: true } : { eventId: eventId as string }, io.now);
    if (n === 0) {
      io.err(all ? "没有已搁置的事件。" : `事件 ${eventId} 不存在或不是已搁置的事件。`);
      return all ? 0 : 1;
    }
    await recordAudit(io.db, {
      actorLabel: "cli:inbox",
      action: "requeue",
      entity: "inbound_event",
      entityId: all ? "all-failed" : (eventId as string),
      at: io.now,
    });
    io.out(`已重新排队 ${n} 个事件，运行中的服务会在一分钟内处理。`);
    return 0;
  }
  io.err(`用法：\n${INBOX_USAGE}`);
  return 2;
}
