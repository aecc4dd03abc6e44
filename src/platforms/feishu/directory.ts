/**
 * The Feishu side of `npx zhibu import`: open_ids by mobile or email, through
 * POST /open-apis/contact/v3/users/batch_get_id?user_id_type=open_id (at most 50 mobiles and 50 emails a
 * call; people not found come back without user_id). Needs the permission 通过手机号或邮箱获取用户 ID
 * and a data scope that covers the members.
 */
import { Client, LoggerLevel } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../lib/logger.ts";
import type { ContactDirectory } from "../adapter.ts";
import { PlatformSendError } from "../types.ts";
import { createTokenCache } from "./client.ts";
import type { FeishuConfig } from "./config.ts";

const PER_CALL = 50;

export function createFeishuContactDirectory(
  config: Pick<FeishuConfig, "appId" | "appSecret" | "domain">,
  deps: { logger?: Logger } = {},
): ContactDirectory {
  const quiet = (m: unknown[]) => deps.logger?.debug("feishu sdk", { sdk: m });
  const sdk = new Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    // Its own cache: the SDK's default one is shared by every client in the process (other apps, tests).
    cache: createTokenCache(),
    logger: { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet },
    loggerLevel: LoggerLevel.warn,
  });

  async function batch(data: { mobiles?: string[]; emails?: string[] }) {
    let res: Awaited<ReturnType<typeof sdk.contact.user.batchGetId>>;
    try {
      res = await sdk.contact.user.batchGetId({
        params: { user_id_type: "open_id" },
        data: { ...data, include_resigned: false },
      });
    } catch (error) {
      const body = (error as { response?: { data?: { code?: number; msg?: string } } }).response?.data;
      throw new PlatformSendError(
        `飞书按手机号/邮箱查询用户失败：${body?.msg ?? (error instanceof Error ? error.message : String(error))}`,
        true,
        body?.code !== undefined ? { code: body.code } : {},
      );
    }
    if (res.code !== undefined && res.code !== 0)
      throw new PlatformSendError(`飞书按手机号/邮箱查询用户失败：${res.msg ?? ""}`, false, {
        code: res.code,
      });
    return res.data?.user_list ?? [];
  }

  return {
    async resolve({ mobiles, emails }) {
      const byMobile = new Map<string, string>();
      const byEmail = new Map<string, string>();
      for (let i = 0; i < mobiles.length; i += PER_CALL) {
        for (const u of await batch({ mobiles: mobiles.slice(i, i + PER_CALL) }))
          if (u.user_id && u.mobile) byMobile.set(u.mobile.replace(/^\+86/, ""), u.user_id);
      }
      for (let i = 0; i < emails.length; i += PER_CALL) {
        for (const u of await batch({ emails: emails.slice(i, i + PER_CALL) }))
          if (u.user_id && u.email) byEmail.set(u.email.toLowerCase(), u.user_id);
      }
      return { byMobile, byEmail, reasons: new Map() };
    },
  };
}
