import { eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExportError, exportMeetingLedger } from "../../src/app/export-ledger.ts";
import { transitionMeeting, writeAttendance } from "../../src/db/queries/meetings.ts";
import { insertStudyItem } from "../../src/db/queries/study.ts";
import { firstAgendaRecords, followUpMeasures, members } from "../../src/db/schema.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { createTestMeeting } from "../support/meetings.ts";
import { importExampleRoster } from "../support/roster.ts";

const TZ = "Asia/Shanghai";

describe.each(databaseTargets)("meeting ledger export on $name", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create();
    await importExampleRoster(t.db);
    const held = await createTestMeeting(t.db, {
      startsAt: new Date("2026-10-15T07:00:00Z"),
      kind: "general_assembly",
      title: "支部党员大会",
    });
    const [a, b, c] = held.invitees as [string, string, string];
    const at = new Date("2026-10-15T06:55:00Z");
    await writeAttendance(t.db, {
      meetingId: held.meeting.id,
      memberId: a,
      status: "present",
      late: false,
      reason: null,
      source: "card",
      recordedBy: a,
      at,
    });
    await writeAttendance(t.db, {
      meetingId: held.meeting.id,
      memberId: b,
      status: "present",
      late: true,
      reason: null,
      source: "card",
      recordedBy: b,
      at: new Date("2026-10-15T07:10:00Z"),
    });
    await writeAttendance(t.db, {
      meetingId: held.meeting.id,
      memberId: c,
      status: "leave",
      reason: "赴外地调研",
      late: false,
      source: "card",
      recordedBy: c,
      at,
    });
    await transitionMeeting(t.db, held.meeting.id, ["scheduled"], "closed", {
      actorId: null,
      now: new Date("2026-10-15T08:30:00Z"),
    });
    // Its first agenda: two items, led by the secretary, with measures (owners from the roster).
    const memberId = async (code: string) =>
      (await t.db.select().from(members).where(eq(members.code, code)))[0]?.id ?? null;
    const item = async (title: string, source: string, publishedOn: string) =>
      insertStudyItem(t.db, {
        orgId: held.org.id,
        title,
        source,
        publishedOn,
        link: null,
        summary: null,
        scope: "all",
        addedBy: null,
        at: new Date("2026-10-12T02:00:00Z"),
      });
    const older = await item("关于推进党的自我革命的重要论述", "《求是》", "2026-10-01");
    const newer = await item("在全面加强机关党的建设工作会议上的重要讲话", "新华社", "2026-10-11");
    const [record] = await t.db
      .insert(firstAgendaRecords)
      .values(
        [newer, older].map((i) => ({
          meetingId: held.meeting.id,
          studyItemId: i?.id as string,
          ledBy: a,
          form: "原文领学",
          notes: "徐红霞：要把学习成果转化为推动工作的实际成效。",
          recordedBy: a,
        })),
      )
      .returning();
    await t.db.insert(followUpMeasures).values([
      {
        recordId: record?.id as string,
        content: "制定支部专题学习计划",
        ownerId: await memberId("1002"),
        createdAt: new Date("2026-10-15T09:00:00.000Z"),
      },
      {
        recordId: record?.id as string,
        content: "向机关党委报送学习情况",
        ownerId: null,
        createdAt: new Date("2026-10-15T09:00:00.001Z"),
      },
    ]);
    await createTestMeeting(t.db, { startsAt: new Date("2026-11-30T07:00:00Z") });
    await createTestMeeting(t.db, { startsAt: new Date("2026-11-30T07:00:00Z"), branch: "zhgh" });
    await createTestMeeting(t.db, { startsAt: new Date("2027-02-01T07:00:00Z") });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("writes one sheet of meetings and one of attendance, with Chinese headers", async () => {
    const result = await exportMeetingLedger(t.db, {
      branch: "bgs",
      from: "2026-10-01",
      to: "2026-12-31",
      timeZone: TZ,
    });
    expect(result.meetings).toBe(2);
    const sheets = await readXlsxFile(result.buffer);
    expect(sheets.map((s) => s.sheet)).toEqual(["会议", "考勤", "第一议题", "联系点月报", "问题清单"]);
    const [meetingsSheet, attendanceSheet] = sheets;
    expect(meetingsSheet?.data[0]).toEqual(
      expect.arrayContaining(["序号", "支部", "会议类型", "应到人数", "实到人数", "到会率", "第一议题"]),
    );
    const row = meetingsSheet?.data[1];
    expect(row?.slice(0, 9)).toEqual([
      1,
      "办公室党支部",
      "支部党员大会",
      "支部党员大会",
      "2026-10-15",
      "15:00",
      "16:30",
      "三楼会议室",
      "已召开",
    ]);
    expect(row?.slice(9, 15)).toEqual([10, 2, 1, 1, 7, "20%"]);
    expect(meetingsSheet?.data[2]?.[8]).toBe("未开始");

    const people = attendanceSheet?.data.slice(1).filter((r) => r[0] === "2026-10-15") ?? [];
    expect(people).toHaveLength(10);
    expect(people.map((r) => r[5])).toEqual(["出席", "出席", "请假", ...Array(7).fill("缺席")]);
    expect(people[1]?.[6]).toBe("是");
    expect(people[2]?.[7]).toBe("赴外地调研");
    // How each was recorded: a leave asked for on the card is not a card sign-in.
    expect(people.slice(0, 3).map((r) => r[9])).toEqual(["卡片签到", "卡片签到", "卡片请假"]);
    expect(row?.[15]).toBe(
      "《关于推进党的自我革命的重要论述》；《在全面加强机关党的建设工作会议上的重要讲话》",
    );
  });

  it("has a 第一议题 sheet: per meeting and item the delay in days, who led, the form, notes and measures", async () => {
    const result = await exportMeetingLedger(t.db, {
      branch: "bgs",
      from: "2026-10-01",
      to: "2026-12-31",
      timeZone: TZ,
    });
    expect(result.studies).toBe(2);
    const study = (await readXlsxFile(result.buffer))[2];
    expect(study?.sheet).toBe("第一议题");
    expect(study?.data).toEqual([
      [
        "会议日期",
        "支部",
        "会议名称",
        "学习材料",
        "来源",
        "发表日期",
        "间隔天数",
        "领学人",
        "学习形式",
        "研讨发言",
        "贯彻落实措施（责任人）",
      ],
      [
        "2026-10-15",
        "办公室党支部",
        "支部党员大会",
        "《关于推进党的自我革命的重要论述》",
        "《求是》",
        "2026-10-01",
        14,
        expect.any(String),
        "原文领学",
        "徐红霞：要把学习成果转化为推动工作的实际成效。",
        null,
      ],
      [
        "2026-10-15",
        "办公室党支部",
        "支部党员大会",
        "《在全面加强机关党的建设工作会议上的重要讲话》",
        "新华社",
        "2026-10-11",
        4,
        expect.any(String),
        "原文领学",
        "徐红霞：要把学习成果转化为推动工作的实际成效。",
        "1. 制定支部专题学习计划（责任人：徐红霞）\n2. 向机关党委报送学习情况",
      ],
    ]);
    const [leader] = await t.db.select().from(members).where(eq(members.code, "1001"));
    expect(study?.data[1]?.[7]).toBe(leader?.name);
    // Nothing studied in the range: headers only.
    const empty = await exportMeetingLedger(t.db, {
      branch: "zhgh",
      from: "2026-10-01",
      to: "2026-12-31",
      timeZone: TZ,
    });
    expect((await readXlsxFile(empty.buffer))[2]?.data).toHaveLength(1);
  });

  it("a 党总支 exports its branches; names work as well as ids; the range is inclusive local dates", async () => {
    const byParent = await exportMeetingLedger(t.db, {
      branch: "机关第一党总支",
      from: "2026-11-30",
      to: "2026-11-30",
      timeZone: TZ,
    });
    expect(byParent.meetings).toBe(2);
    expect(byParent.branchNames).toEqual(expect.arrayContaining(["办公室党支部", "综合规划处党支部"]));
  });

  it("refuses unknown branches and bad dates with a clear message", async () => {
    await expect(
      exportMeetingLedger(t.db, { branch: "nope", from: "2026-01-01", to: "2026-12-31", timeZone: TZ }),
    ).rejects.toThrow(ExportError);
    await expect(
      exportMeetingLedger(t.db, { from: "2026-13-01", to: "2026-12-31", timeZone: TZ }),
    ).rejects.toThrow("--from");
    await expect(
      exportMeetingLedger(t.db, { from: "2026-12-01", to: "2026-11-01", timeZone: TZ }),
    ).rejects.toThrow("早于");
  });
});
