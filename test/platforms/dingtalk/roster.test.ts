import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DingTalkEndpoint } from "../../../src/platforms/dingtalk/http.ts";
import { createDingTalkDirectory } from "../../../src/platforms/dingtalk/roster.ts";
import { PlatformSendError } from "../../../src/platforms/types.ts";
import { type FakeDingTalkOpenApi, startFakeDingTalkOpenApi } from "../../fakes/dingtalk-openapi.ts";

let fake: FakeDingTalkOpenApi;
beforeAll(async () => {
  fake = await startFakeDingTalkOpenApi({
    members: { "13800138000": "manager4220", "13900139000": "zhangsan" },
  });
});
afterAll(async () => {
  await fake?.close();
});

describe("DingTalk roster lookup by mobile", () => {
  it("resolves members, reports the rest by reason, with the old-style token from /gettoken", async () => {
    const seen: DingTalkEndpoint[] = [];
    const directory = createDingTalkDirectory(fake.config(), {
      onApiCall: (e, info) => info.countsTowardQuota || seen.push(e),
    });
    const r = await directory.resolveMobiles([
      "13800138000",
      " 13900139000 ",
      "13700000000",
      "12345",
      "13800138000",
    ]);
    expect([...r.resolved]).toEqual([
      ["13800138000", "manager4220"],
      ["13900139000", "zhangsan"],
    ]);
    expect(r.unresolved).toEqual([
      { mobile: "13700000000", reason: "钉钉中没有这个手机号的在职成员" },
      { mobile: "12345", reason: "手机号在本组织内无效" },
    ]);
    const lookups = fake.callsTo("/topapi/v2/user/getbymobile");
    expect(lookups).toHaveLength(4);
    expect(lookups[0]?.body).toEqual({ mobile: "13800138000" });
    expect(lookups[0]?.query.access_token).toBeTruthy();
    expect(fake.callsTo("/gettoken")).toHaveLength(1);
    // Contact and token APIs are outside the monthly quota.
    expect(new Set(seen)).toEqual(new Set(["oapi.gettoken", "oapi.user.getbymobile"]));
  });

  it("an expired token is fetched again once", async () => {
    const directory = createDingTalkDirectory(fake.config());
    await directory.resolveMobiles(["13800138000"]);
    fake.expireTokens();
    const r = await directory.resolveMobiles(["13900139000"]);
    expect(r.resolved.get("13900139000")).toBe("zhangsan");
  });

  it("wrong credentials fail loudly instead of reporting everyone unresolved", async () => {
    const directory = createDingTalkDirectory(fake.config({ appSecret: "wrong" }));
    const e = await directory.resolveMobiles(["13800138000"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlatformSendError);
    expect((e as PlatformSendError).details.code).toBe(40089);
  });
});
