import { addDays, isoWeekday, localDate, zonedInstant } from "./time.ts";

/**
 * China's working days: the State Council's yearly arrangement (holidays, and 调休 weekend days that
 * are worked), plus days off an admin adds locally. The official data comes in as an argument (see
 * src/lib/official-calendar.ts) so this stays pure and tests can pin it.
 */
export interface OfficialCalendar {
  /** Dates off, including the weekend days inside a holiday; value: the holiday's name. */
  holidays: ReadonlyMap<string, string>;
  /** Weekend dates that are working days (调休上班); value: the holiday they make up for. */
  makeUpWorkdays: ReadonlyMap<string, string>;
  /** Years the arrangement is known for; outside them only weekends count as days off. */
  coveredYears: ReadonlySet<number>;
}

export interface LocalDayOff {
  day: string;
  reason: string;
}

export interface DayInfo {
  day: string;
  working: boolean;
  /** 工作日 / 周末 / 国庆节 / 调休上班（国庆节）/ the admin's reason. */
  label: string;
  /** False when the official arrangement for this year is not known yet. */
  official: boolean;
}

export interface ShiftResult {
  at: Date;
  shifted: boolean;
  /** The day that was skipped over and why, for logs. */
  reason?: string;
}

export interface WorkCalendar {
  describe(day: string): DayInfo;
  isWorkingDay(day: string): boolean;
  /** The first working day on or after `day`. */
  nextWorkingDay(day: string): string;
  /**
   * For reminders that are not time-critical: an instant on a working day stays as it is; one on a
   * day off moves to the next working day at `localTime` (HH:MM) in `timeZone`.
   */
  shiftToWorkingDay(instant: Date, timeZone: string, localTime: string): ShiftResult;
}

/**
 * Fixed-date statutory holidays (全国年节及纪念日放假办法). Used only for years whose arrangement is not
 * published yet (it comes each November), so New Year's Day next year is not mistaken for a working day.
 */
const STATUTORY_FIXED: Record<string, string> = {
  "01-01": "元旦",
  "05-01": "劳动节",
  "05-02": "劳动节",
  "10-01": "国庆节",
  "10-02": "国庆节",
  "10-03": "国庆节",
};

// No arrangement in recent decades has had more than ~10 consecutive days off; this bounds the search.
const MAX_SEARCH_DAYS = 60;

export function createWorkCalendar(
  official: OfficialCalendar,
  localDaysOff: Iterable<LocalDayOff> = [],
): WorkCalendar {
  const local = new Map<string, string>();
  for (const d of localDaysOff) local.set(d.day, d.reason);

  const describe = (day: string): DayInfo => {
    const covered = official.coveredYears.has(Number(day.slice(0, 4)));
    const localReason = local.get(day);
    if (localReason !== undefined) return { day, working: false, label: localReason, official: covered };
    const holiday = official.holidays.get(day);
    if (holiday !== undefined) return { day, working: false, label: holiday, official: covered };
    const statutory = covered ? undefined : STATUTORY_FIXED[day.slice(5)];
    if (statutory !== undefined) return { day, working: false, label: statutory, official: false };
    const makeUp = official.makeUpWorkdays.get(day);
    if (makeUp !== undefined)
      return { day, working: true, label: `调休上班（${makeUp}）`, official: covered };
    const weekend = isoWeekday(day) >= 6;
    return { day, working: !weekend, label: weekend ? "周末" : "工作日", official: covered };
  };

  const isWorkingDay = (day: string) => describe(day).working;

  const nextWorkingDay = (day: string): string => {
    let d = day;
    for (let i = 0; i < MAX_SEARCH_DAYS; i++, d = addDays(d, 1)) {
      if (isWorkingDay(d)) return d;
    }
    // Only reachable if an admin marks two months off in a row; sending then beats never sending.
    return d;
  };

  return {
    describe,
    isWorkingDay,
    nextWorkingDay,
    shiftToWorkingDay(instant, timeZone, localTime) {
      const day = localDate(instant, timeZone);
      const info = describe(day);
      if (info.working) return { at: instant, shifted: false };
      const next = nextWorkingDay(addDays(day, 1));
      return { at: zonedInstant(next, localTime, timeZone), shifted: true, reason: `${day} ${info.label}` };
    },
  };
}
