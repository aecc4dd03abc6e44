/** Dates and times as a notice in Chinese writes them, in the organ's time zone. */

import { dateTimeFormat } from "../../domain/date-format.ts";

export function formatDateTime(instant: Date, timeZone: string): string {
  const parts = dateTimeFormat("zh-CN", {
    timeZone,
    month: "numeric",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("month")}月${get("day")}日（${get("weekday").replace("星期", "周")}）${get("hour")}:${get("minute")}`;
}

export function formatTime(instant: Date, timeZone: string): string {
  return dateTimeFormat("zh-CN", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}

/** 12月3日（周四）15:00–16:30 */
export function formatPeriod(startsAt: Date, endsAt: Date, timeZone: string): string {
  return `${formatDateTime(startsAt, timeZone)}–${formatTime(endsAt, timeZone)}`;
}
