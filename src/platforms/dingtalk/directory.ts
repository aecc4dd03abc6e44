/** The DingTalk side of `npx zhibu import`: staffIds by mobile number (DingTalk has no lookup by email). */
import type { ContactDirectory } from "../adapter.ts";
import { createDingTalkDirectory, type MobileLookupOptions } from "./roster.ts";
import type { DingTalkSettings } from "./settings.ts";

export function createDingTalkContactDirectory(
  settings: Pick<DingTalkSettings, "appKey" | "appSecret" | "oapiBase">,
  options: MobileLookupOptions = {},
): ContactDirectory {
  const directory = createDingTalkDirectory(settings, options);
  return {
    async resolve({ mobiles, emails }) {
      const r = await directory.resolveMobiles(mobiles);
      const reasons = new Map(r.unresolved.map((u) => [u.mobile, u.reason]));
      for (const email of emails) reasons.set(email, "钉钉不支持按邮箱查找成员，请填写手机号或 staff_id");
      return { byMobile: r.resolved, byEmail: new Map(), reasons };
    },
  };
}
