import { describe, expect, it } from "vitest";
import {
  attendanceRate,
  countAttendance,
  decideCorrection,
  decideLeave,
  decideSignIn,
} from "../../src/domain/attendance.ts";

const meeting = {
  state: "open" as const,
  startsAt: new Date("2026-12-03T07:00:00Z"),
  endsAt: new Date("2026-12-03T08:30:00Z"),
};
const before = new Date("2026-12-03T06:50:00Z");
const after = new Date("2026-12-03T07:10:00Z");

describe("sign-in and leave rules", () => {
  it("records an expected attendee, late after the start", () => {
    expect(decideSignIn(meeting, true, undefined, before)).toMatchObject({
      kind: "record",
      status: "present",
      late: false,
    });
    expect(decideSignIn(meeting, true, undefined, after)).toMatchObject({
      kind: "record",
      status: "present",
      late: true,
      message: "签到成功（迟到）。",
    });
  });

  it("refuses outsiders and closed or cancelled meetings, and ignores double clicks", () => {
    expect(decideSignIn(meeting, false, undefined, before)).toMatchObject({
      kind: "refused",
      message: expect.stringContaining("不在本次会议"),
    });
    expect(decideSignIn({ ...meeting, state: "closed" }, true, undefined, after)).toMatchObject({
      kind: "refused",
      message: expect.stringContaining("补签"),
    });
    expect(decideSignIn({ ...meeting, state: "cancelled" }, true, undefined, after)).toMatchObject({
      kind: "refused",
    });
    expect(decideSignIn(meeting, true, { status: "present", reason: null }, after)).toMatchObject({
      kind: "unchanged",
    });
  });

  it("lets a member on leave sign in after all: present wins", () => {
    expect(decideSignIn(meeting, true, { status: "leave", reason: "出差" }, after)).toMatchObject({
      kind: "record",
      status: "present",
    });
  });

  it("needs a reason for leave and refuses leave once signed in", () => {
    expect(decideLeave(meeting, true, undefined, "  ")).toMatchObject({
      kind: "refused",
      message: "请填写请假事由。",
    });
    expect(decideLeave(meeting, true, undefined, "出差")).toMatchObject({
      kind: "record",
      status: "leave",
      reason: "出差",
    });
    expect(decideLeave(meeting, true, { status: "leave", reason: "出差" }, "出差")).toMatchObject({
      kind: "unchanged",
    });
    expect(decideLeave(meeting, true, { status: "leave", reason: "出差" }, "病假")).toMatchObject({
      kind: "record",
      reason: "病假",
    });
    expect(decideLeave(meeting, true, { status: "present", reason: null }, "出差")).toMatchObject({
      kind: "refused",
    });
    expect(decideLeave(meeting, false, undefined, "出差")).toMatchObject({ kind: "refused" });
  });

  it("lets only the committee correct attendance", () => {
    expect(decideCorrection(false, true, "present", undefined)).toMatchObject({ kind: "refused" });
    expect(decideCorrection(true, true, "present", undefined)).toMatchObject({
      kind: "record",
      status: "present",
    });
    expect(decideCorrection(true, true, "leave", "")).toMatchObject({ kind: "refused" });
    expect(decideCorrection(true, false, "present", undefined)).toMatchObject({ kind: "refused" });
  });

  it("counts only invitees", () => {
    const c = countAttendance(
      ["a", "b", "c", "d"],
      [
        { memberId: "a", status: "present", late: false },
        { memberId: "b", status: "present", late: true },
        { memberId: "c", status: "leave", late: false },
        { memberId: "x", status: "present", late: false },
      ],
    );
    expect(c).toEqual({ expected: 4, present: 2, late: 1, leave: 1, missing: 1 });
    expect(attendanceRate(c)).toBe(0.5);
  });
});
