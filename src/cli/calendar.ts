import { parseArgs } from "node:util";
import { loadWorkCalendar } from "../app/work-calendar.ts";
import { recordAudit } from "../db/queries/audit.ts";
import { addLocalDayOff, listLocalDaysOff, removeLocalDayOff } from "../db/queries/calendar.ts";
import { addDays, localDate } from "../domain/time.ts";
import type { CliIo } from "./outbox.ts";

export const CALENDAR_USAGE = `  calendar off <日期> <原因>  增加本地放假日（如 2026-12-31 市里统一放假），非紧急提醒顺延
  calendar on <日期>          取消本地放假日
  calendar list               列出本地放假日
  calendar show [日期] [天数] 查看工作日安排（默认今天起 14 天）`;

const isDate = (s: string | undefined): s is string =>
  s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

export async function runCalendar(args: string[], io: CliIo & { timeZone: string }): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [sub, day, ...rest] = positionals;
  switch (sub) {
    case "off": {
      const reason = rest.join(" ").trim();
      if (!isDate(day) || !reason) {
        io.err(
          "用法：npx zhibu calendar off <YYYY-MM-DD> <原因>，例如：npx zhibu calendar off 2026-12-31 市里统一放假",
        );
        return 2;
      }
      await addLocalDayOff(io.db, day, reason, "cli");
      await recordAudit(io.db, {
        actorLabel: "cli:calendar",
        action: "day_off_add",
        entity: "local_days_off",
        entityId: day,
        after: { reason },
        at: io.now,
      });
      io.out(`已将 ${day} 设为本地放假日（${reason}）。当天的非紧急提醒顺延到下一个工作日。`);
      return 0;
    }
    case "on": {
      if (!isDate(day)) {
        io.err("用法：npx zhibu calendar on <YYYY-MM-DD>");
        return 2;
      }
      if (!(await removeLocalDayOff(io.db, day))) {
        io.err(`${day} 不是本地放假日。`);
        return 1;
      }
      await recordAudit(io.db, {
        actorLabel: "cli:calendar",
        action: "day_off_remove",
        entity: "local_days_off",
        entityId: day,
        at: io.now,
      });
      io.out(`已取消本地放假日 ${day}。`);
      return 0;
    }
    case "list": {
      const days = await listLocalDaysOff(io.db);
      if (days.length === 0) io.out("没有本地放假日。");
      for (const d of days) io.out(`${d.day}\t${d.reason}`);
      return 0;
    }
    case "show": {
      const from = day ?? localDate(io.now, io.timeZone);
      const count = Number(rest[0] ?? 14);
      if (!isDate(from) || !Number.isInteger(count) || count < 1 || count > 366) {
        io.err("用法：npx zhibu calendar show [YYYY-MM-DD] [天数 1–366]");
        return 2;
      }
      const calendar = await loadWorkCalendar(io.db);
      for (let i = 0; i < count; i++) {
        const info = calendar.describe(addDays(from, i));
        const note = info.official ? "" : "（国务院安排尚未收录，按周末及固定法定节日推定）";
        io.out(`${info.day}\t${info.working ? "上班" : "休息"}\t${info.label}${note}`);
      }
      return 0;
    }
    default:
      io.err(`用法：\n${CALENDAR_USAGE}`);
      return 2;
  }
}
