/**
 * Rosters that give only a mobile number or an email: `importRoster` looks them up on each configured
 * platform (Feishu batch_get_id, DingTalk getbymobile, against the fakes over HTTP), stores the ids,
 * reports who was not found by line, re-resolves on re-import, and offline imports anyway, keeping the ids
 * found before and saying which platforms could not be asked.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ContactSources, importRoster } from "../../src/app/import-roster.ts";
import * as schema from "../../src/db/schema.ts";
import { normaliseMobile, validateRoster } from "../../src/domain/roster.ts";
import { createDingTalkContactDirectory } from "../../src/platforms/dingtalk/directory.ts";
import { createFeishuContactDirectory } from "../../src/platforms/feishu/directory.ts";
import { type FakeDingTalkOpenApi, startFakeDingTalkOpenApi } from "../fakes/dingtalk-openapi.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";

const ROSTER = `organisation:
  id: org
  name: 某机关党委
branches:
  - id: b1
    name: 第一党支部
    kind: 党支部
members:
  - id: "1"
    name: 张三
    branch: b1
    role: 书记
    mobile: "+86 138-0000-0001"
  - id: "2"
    name: 李四
    branch: b1
    mobile: "13800000002"
  - id: "3"
    name: 王五
    branch: b1
    email: Wangwu@Example.gov.cn
  - id: "4"
    name: 赵六
    branch: b1
    feishu: { open_id: ou_written_6 }
    mobile: "13800000004"
`;

describe("mobile numbers in a roster", () => {
  it("accepts them as people write them and refuses what is not one", () => {
    expect(normaliseMobile("+86 138-0000-0001")).toBe("13800000001");
    expect(normaliseMobile("8613800000001")).toBe("13800000001");
    expect(normaliseMobile("1380000000")).toBeUndefined();
    const bad = validateRoster({
      organisation: { id: "o", name: "o" },
      branches: [{ id: "b", name: "b", kind: "党支部" }],
      members: [{ id: "1", name: "甲", branch: "b", mobile: "12345", email: "not-an-email" }],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problems.map((p) => p.message).join("\n")).toMatch(/手机号 “12345” 无效[\s\S]*邮箱/);
  });
});

describe.each(databaseTargets)("importing a roster by mobile and email on $name", (target) => {
  let db: TestDatabase;
  let feishu: FakeFeishuOpenApi;
  let dingtalk: FakeDingTalkOpenApi;
  const now = new Date("2026-12-02T02:00:00Z");
  let sources: ContactSources;

  beforeAll(async () => {
    db = await target.create();
    feishu = await startFakeFeishuOpenApi();
    dingtalk = await startFakeDingTalkOpenApi({
      members: { "13800000001": "staff_1", "13800000004": "staff_4" },
    });
    feishu.contacts.set("13800000001", "ou_found_1");
    feishu.contacts.set("13800000002", "ou_found_2");
    feishu.contacts.set("wangwu@example.gov.cn", "ou_found_3");
    sources = {
      directories: [
        { platform: "feishu", label: "飞书", directory: createFeishuContactDirectory(feishu.config()) },
        { platform: "dingtalk", label: "钉钉", directory: createDingTalkContactDirectory(dingtalk.config()) },
      ],
      offline: [],
    };
  });
  afterAll(async () => {
    await feishu?.close();
    await dingtalk?.close();
    await db?.close();
  });

  const idOf = async (code: string, kind: "open_id" | "staff_id") => {
    const rows = await db.db
      .select({ value: schema.memberIdentities.value })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(and(eq(schema.members.code, code), eq(schema.memberIdentities.kind, kind)));
    return rows[0]?.value;
  };

  it("stores the ids each platform finds and names, by line, everyone not found", async () => {
    const r = await importRoster(db.db, ROSTER, { now, timezone: "Asia/Shanghai", contacts: sources });
    expect(await idOf("1", "open_id")).toBe("ou_found_1");
    expect(await idOf("1", "staff_id")).toBe("staff_1");
    expect(await idOf("2", "open_id")).toBe("ou_found_2");
    expect(await idOf("3", "open_id")).toBe("ou_found_3");
    // Written ids win; the mobile still finds the platforms the roster gives no id for.
    expect(await idOf("4", "open_id")).toBe("ou_written_6");
    expect(await idOf("4", "staff_id")).toBe("staff_4");
    expect(r.contacts.resolved).toBe(4);
    expect(r.contacts.notAsked).toEqual([]);
    expect(r.contacts.unresolved).toEqual([
      "第 17 行 members[1]（李四）：钉钉未查到手机号 13800000002（钉钉中没有这个手机号的在职成员）",
      "第 21 行 members[2]（王五）：钉钉未查到邮箱 wangwu@example.gov.cn（钉钉不支持按邮箱查找成员，请填写手机号或 staff_id）",
    ]);
  });

  it("asks again on re-import: a member who joined DingTalk since is found, one who left is dropped", async () => {
    dingtalk.reset();
    const again = await startFakeDingTalkOpenApi({ members: { "13800000002": "staff_2_new" } });
    try {
      const r = await importRoster(db.db, ROSTER, {
        now,
        timezone: "Asia/Shanghai",
        contacts: {
          directories: [
            {
              platform: "dingtalk",
              label: "钉钉",
              directory: createDingTalkContactDirectory(again.config()),
            },
          ],
          offline: ["飞书"],
        },
      });
      expect(await idOf("2", "staff_id")).toBe("staff_2_new");
      // DingTalk no longer knows 13800000001: the id is removed and the member reported.
      expect(await idOf("1", "staff_id")).toBeUndefined();
      expect(r.contacts.unresolved.join("\n")).toContain("张三");
      // Feishu was not asked: what it found before stays.
      expect(await idOf("1", "open_id")).toBe("ou_found_1");
      expect(r.contacts.notAsked).toEqual(["飞书：未配置，无法按手机号/邮箱查询，已保留此前的标识"]);
    } finally {
      await again.close();
    }
  });

  it("offline, imports anyway and says which platforms could not be asked", async () => {
    const r = await importRoster(db.db, ROSTER, {
      now,
      timezone: "Asia/Shanghai",
      contacts: { directories: [], offline: ["飞书", "钉钉"] },
    });
    expect(r.members).toBe(4);
    expect(r.contacts.notAsked).toHaveLength(2);
    expect(r.contacts.unresolved).toEqual([]);
    expect(await idOf("3", "open_id")).toBe("ou_found_3");
    expect(await idOf("2", "staff_id")).toBe("staff_2_new");
  });

  it("a platform that fails to answer is reported and its earlier ids kept", async () => {
    const broken = createDingTalkContactDirectory({ ...dingtalk.config(), appSecret: "wrong" });
    const r = await importRoster(db.db, ROSTER, {
      now,
      timezone: "Asia/Shanghai",
      contacts: { directories: [{ platform: "dingtalk", label: "钉钉", directory: broken }], offline: [] },
    });
    expect(r.contacts.notAsked[0]).toMatch(/^钉钉：查询失败/);
    expect(await idOf("2", "staff_id")).toBe("staff_2_new");
  });
});
