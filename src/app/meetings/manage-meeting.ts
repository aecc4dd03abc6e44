import {
  findMeeting,
  listInvitees,
  type MeetingRow,
  transitionMeeting,
  updateMeeting,
} from "../../db/queries/meetings.ts";
import { parseChineseDateTime } from "../../domain/chinese-datetime.ts";
import { firstTooLong, TEXT_LIMITS } from "../../domain/limits.ts";
import { mayManage, onlyManagers } from "../../domain/permissions.ts";
import type { CardActionResponse } from "../../platforms/types.ts";
import { confirmationCard } from "../views/meeting-cards.ts";
import type { MeetingDeps } from "./deps.ts";
import { loadMeetingView, promiseOf } from "./meeting-view.ts";

type Manager = { id: string; isAdmin: boolean; branchId: string; role: string };

async function loadManaged(
  deps: MeetingDeps,
  member: Manager,
  meetingId: string,
): Promise<{ error: string } | { meeting: MeetingRow }> {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return { error: "找不到这次会议，卡片可能已失效。" };
  if (!mayManage(member, meeting.branchId)) return { error: onlyManagers("修改会议") };
  if (meeting.state === "closed" || meeting.state === "cancelled") {
    return { error: meeting.state === "closed" ? "会议已结束，不能再修改。" : "会议已取消。" };
  }
  return { meeting };
}

async function refreshedConfirmation(deps: MeetingDeps, meetingId: string, now: Date) {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return undefined;
  const view = await loadMeetingView(deps.db, meeting, deps.timeZone);
  return confirmationCard(view, (await listInvitees(deps.db, meeting.id)).length, {
    promise: promiseOf(deps, meeting, now),
  });
}

/** 取消会议: its reminders are withdrawn by the planner on the next tick, since they follow the meeting's state. */
export async function cancelFromCard(
  deps: MeetingDeps,
  member: Manager,
  meetingId: string,
  now: Date,
): Promise<CardActionResponse> {
  const loaded = await loadManaged(deps, member, meetingId);
  if ("error" in loaded) return { toast: { type: "warning", text: loaded.error } };
  const done = await transitionMeeting(deps.db, meetingId, ["scheduled", "open"], "cancelled", {
    actorId: member.id,
    now,
    reason: "书记取消",
  });
  if (!done) return { toast: { type: "info", text: "会议状态已变化，请刷新。" } };
  return {
    toast: { type: "success", text: "会议已取消，提醒不再发送。" },
    card: await refreshedConfirmation(deps, meetingId, now),
  };
}

/** 修改时间/地点 from the confirmation card's form; the same Chinese time forms as 安排. */
export async function editFromCard(
  deps: MeetingDeps,
  member: Manager,
  meetingId: string,
  form: { time?: string; place?: string },
  now: Date,
): Promise<CardActionResponse> {
  const tooLong = firstTooLong([
    [TEXT_LIMITS.meetingTime, form.time?.trim()],
    [TEXT_LIMITS.meetingPlace, form.place?.trim()],
  ]);
  if (tooLong) return { toast: { type: "warning", text: tooLong } };
  const loaded = await loadManaged(deps, member, meetingId);
  if ("error" in loaded) return { toast: { type: "warning", text: loaded.error } };
  const { meeting } = loaded;
  const patch: { startsAt?: Date; endsAt?: Date; place?: string } = {};
  const timeText = form.time?.trim();
  if (timeText) {
    const parsed = parseChineseDateTime(timeText, now, deps.timeZone);
    if (!parsed.ok) return { toast: { type: "warning", text: parsed.question } };
    const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
    patch.startsAt = parsed.startsAt;
    patch.endsAt = parsed.endsAt ?? new Date(parsed.startsAt.getTime() + length);
  }
  const place = form.place?.trim();
  if (place) patch.place = place;
  if (!patch.startsAt && !patch.place) return { toast: { type: "info", text: "请填写新的时间或地点。" } };
  await updateMeeting(deps.db, meeting.id, patch, member.id, now);
  return {
    toast: { type: "success", text: "会议已修改，提醒将按新时间发送。" },
    card: await refreshedConfirmation(deps, meetingId, now),
  };
}
