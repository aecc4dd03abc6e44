import { describe, expect, it } from "vitest";
import { createSignInCardRenderer } from "../../src/app/meetings/sign-in-card-renderer.ts";
import { updateMeeting, writeAttendance } from "../../src/db/queries/meetings.ts";
import { insertStudyItem } from "../../src/db/queries/study.ts";
import { meetingCards } from "../../src/db/schema.ts";
import { databaseTargets } from "../support/databases.ts";
import { useExampleOrgan } from "../support/example-organ.ts";
import { createTestMeeting } from "../support/meetings.ts";

const start = new Date("2026-12-03T07:00:00Z");

describe.each(databaseTargets)("sign-in card renderer on $name", (target) => {
  const t = useExampleOrgan(target);

  it("reads counts and card copies afresh each time, keeps the view until the meeting changes or it ages", async () => {
    const { meeting, invitees, org } = await createTestMeeting(t.db, { startsAt: start });
    let now = 0;
    const render = createSignInCardRenderer({
      db: t.db,
      timeZone: "Asia/Shanghai",
      maxAgeMs: 5000,
      clock: () => now,
    });
    const text = async () => JSON.stringify((await render(meeting.id))?.card);

    // Rendered before any card was posted (someone asked for leave early): nothing to patch yet.
    expect((await render(meeting.id))?.messages).toEqual([]);
    await t.db.insert(meetingCards).values({
      meetingId: meeting.id,
      platform: "feishu",
      purpose: "sign_in",
      chatId: "oc_test",
      messageId: "om_card_1",
    });
    expect((await render(meeting.id))?.messages).toEqual([{ platform: "feishu", messageId: "om_card_1" }]);

    await writeAttendance(t.db, {
      meetingId: meeting.id,
      memberId: invitees[0] as string,
      status: "present",
      late: false,
      reason: null,
      source: "card",
      recordedBy: null,
      at: start,
    });
    expect(await text()).toContain(`已签到 **1**/应到 ${invitees.length}`);

    // A study item added mid-burst shows once the kept view has aged, not on every patch.
    await insertStudyItem(t.db, {
      orgId: org.id,
      title: "渲染测试材料",
      source: "人民日报",
      publishedOn: "2026-11-30",
      link: null,
      summary: null,
      scope: "all",
      addedBy: null,
      at: start,
    });
    expect(await text()).not.toContain("渲染测试材料");
    now = 5000;
    expect(await text()).toContain("渲染测试材料");

    // An edit shows at once.
    await updateMeeting(
      t.db,
      meeting.id,
      { title: "改期后的支部委员会" },
      null,
      new Date(start.getTime() + 1000),
    );
    expect(await text()).toContain("改期后的支部委员会");
    expect(await render("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
