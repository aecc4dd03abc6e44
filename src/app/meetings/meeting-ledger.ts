import { loadLedger } from "../../db/queries/ledger.ts";
import { countAttendance } from "../../domain/attendance.ts";
import { MEETING_KIND_LABELS } from "../../domain/labels.ts";
import { addDays, localDate, quarterOf, zonedInstant } from "../../domain/time.ts";
import type { CardView } from "../../platforms/types.ts";
import { formatDateTime } from "../views/format.ts";
import type { MeetingDeps } from "./deps.ts";

/** @支部助手 会议记录: this quarter's meetings with attendance, for the branch's committee. */
export async function meetingLedgerCard(
  deps: Pick<MeetingDeps, "db" | "timeZone">,
  branch: { id: string; name: string },
  now: Date,
): Promise<CardView> {
  const quarter = quarterOf(localDate(now, deps.timeZone));
  const data = await loadLedger(deps.db, {
    branchIds: [branch.id],
    from: zonedInstant(quarter.from, "00:00", deps.timeZone),
    to: zonedInstant(quarter.to, "00:00", deps.timeZone),
  });
  const lines = data.meetings.map((m) => {
    const people = data.people.filter((p) => p.meetingId === m.id);
    const c = countAttendance(
      people.map((p) => p.memberId),
      people.flatMap((p) =>
        p.status ? [{ memberId: p.memberId, status: p.status, late: Boolean(p.late) }] : [],
      ),
    );
    const when = formatDateTime(m.startsAt, deps.timeZone);
    const studied = data.studies.filter((s) => s.meetingId === m.id).length;
    const state =
      m.state === "closed"
        ? `实到 ${c.present}/${c.expected}，请假 ${c.leave}${c.late ? `，迟到 ${c.late}` : ""}${studied ? `，第一议题 ${studied} 项` : ""}`
        : m.state === "cancelled"
          ? "已取消"
          : "未召开";
    return `· ${when} ${MEETING_KIND_LABELS[m.kind]}${m.title !== MEETING_KIND_LABELS[m.kind] ? `（${m.title}）` : ""}：${state}`;
  });
  return {
    header: {
      title: `会议记录：${branch.name}`,
      subtitle: `${quarter.label}（截至${addDays(localDate(now, deps.timeZone), 0)}）`,
      tone: "blue",
    },
    blocks: [
      { type: "markdown", text: lines.length ? lines.join("\n") : "本季度还没有会议记录。" },
      {
        type: "note",
        text: "完整台账可由机关党委导出 Excel：npx zhibu export meetings（默认本季度，可加 --from/--to 指定日期）",
      },
    ],
  };
}
