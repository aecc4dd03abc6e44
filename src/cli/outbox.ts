import { parseArgs } from "node:util";
import { QUOTA_TIME_ZONE, quotaMonth } from "../app/api-usage.ts";
import { apiCallsInMonth } from "../db/queries/api-usage.ts";
import { recordAudit } from "../db/queries/audit.ts";
import { listByState, type OutboxRow, requeue } from "../db/queries/outbox.ts";
import type { Database } from "../db/types.ts";
import { PLATFORMS } from "../platforms/index.ts";
import type { PlatformName } from "../platforms/types.ts";

export interface CliIo {
  db: Database;
  out: (line: string) => void;
  err: (line: string) => void;
  now: Date;
}

export const OUTBOX_USAGE = `  outbox --failed        列出发送失败、已搁置的消息（编号、类型、对象、次数、最后错误）
  outbox --skipped       列出未发送而跳过的消息及原因（过期、会议取消等）
  outbox requeue <编号>  把一条失败消息重新排队；--all-failed 重新排队全部失败消息
  outbox stats           本月各平台接口调用次数与月度额度（用到 80% 时警告）`;

/** Of a monthly quota, the share at which `outbox stats` warns. */
export const QUOTA_WARNING_SHARE = 0.8;

export interface OutboxCliOptions {
  /** Monthly API quota per configured platform that has one (DingTalk). */
  quotas?: Partial<Record<PlatformName, number>>;
}

async function printStats(io: CliIo, options: OutboxCliOptions): Promise<number> {
  const month = quotaMonth(io.now);
  const used = new Map((await apiCallsInMonth(io.db, month)).map((r) => [r.platform, r.calls]));
  io.out(
    `本月（${month}，${QUOTA_TIME_ZONE === "Asia/Shanghai" ? "北京时间" : QUOTA_TIME_ZONE}）各平台接口调用：`,
  );
  let warned = false;
  for (const platform of PLATFORMS) {
    const calls = used.get(platform.name) ?? 0;
    const quota = options.quotas?.[platform.name];
    if (quota === undefined) {
      io.out(`  ${platform.label}：${calls > 0 ? `${calls} 次（` : "不计数（"}无月度额度）`);
      continue;
    }
    const share = calls / quota;
    io.out(`  ${platform.label}：${calls} / ${quota} 次（${Math.round(share * 100)}%）`);
    if (share >= QUOTA_WARNING_SHARE) {
      warned = true;
      io.err(
        share >= 1
          ? `警告：${platform.label}本月接口额度已用完，消息将暂停发送，下月 1 日恢复；可在开放平台购买额度或升级版本。`
          : `警告：${platform.label}本月接口额度已用 ${Math.round(share * 100)}%，用完后消息将暂停发送到下月 1 日；请减少不必要的提醒或购买额度。`,
      );
    }
  }
  io.out("（计数为本系统记录的调用次数，以开放平台后台的统计为准。）");
  return warned ? 1 : 0;
}

const clip = (s: string | null, n: number) => {
  const t = (s ?? "").replace(/\s+/g, " ");
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

function printRows(rows: OutboxRow[], io: CliIo, what: "failed" | "skipped") {
  if (rows.length === 0) {
    io.out(what === "failed" ? "没有发送失败的消息。" : "没有跳过的消息。");
    return;
  }
  io.out(["编号", "类型", "对象", "次数", what === "failed" ? "最后错误" : "原因"].join("\t"));
  for (const r of rows) {
    io.out(
      [
        r.id,
        r.kind,
        `${r.platform}:${r.target.type}:${r.target.id}`,
        r.attempts,
        clip(what === "failed" ? r.lastError : r.skipReason, 120),
      ].join("\t"),
    );
  }
  io.out(
    what === "failed"
      ? `共 ${rows.length} 条。修复原因后用 npx zhibu outbox requeue <编号> 或 --all-failed 重新发送。`
      : `共 ${rows.length} 条。`,
  );
}

export async function runOutbox(args: string[], io: CliIo, options: OutboxCliOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      failed: { type: "boolean" },
      skipped: { type: "boolean" },
      "all-failed": { type: "boolean" },
    },
  });
  const [sub, idText] = positionals;
  if (sub === undefined && values.failed) {
    printRows(await listByState(io.db, "failed"), io, "failed");
    return 0;
  }
  if (sub === undefined && values.skipped) {
    printRows(await listByState(io.db, "skipped"), io, "skipped");
    return 0;
  }
  if (sub === "stats") return printStats(io, options);
  if (sub === "requeue") {
    const all = values["all-failed"] === true;
    const id = Number(idText);
    if (!all && !(Number.isInteger(id) && id > 0)) {
      io.err("请指定消息编号，或用 --all-failed 重新排队全部失败消息，例如：npx zhibu outbox requeue 42");
      return 2;
    }
    const ids = await requeue(io.db, all ? "all-failed" : { id }, io.now);
    if (ids.length === 0) {
      io.err(all ? "没有发送失败的消息。" : `编号 ${id} 不存在或不是发送失败的消息。`);
      return all ? 0 : 1;
    }
    await recordAudit(
      io.db,
      ids.map((rowId) => ({
        actorLabel: "cli:outbox",
        action: "requeue",
        entity: "outbox",
        entityId: String(rowId),
        at: io.now,
      })),
    );
    io.out(`已重新排队 ${ids.length} 条消息（编号 ${ids.join("、")}），下一次定时任务会发送。`);
    return 0;
  }
  io.err(`用法：\n${OUTBOX_USAGE}`);
  return 2;
}
