import { createBackgroundRunner } from "../../src/lib/background.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { PlatformSet } from "../../src/platforms/adapter.ts";
import { createDingTalkAdapter } from "../../src/platforms/dingtalk/adapter.ts";
import type { DingTalkClientOptions } from "../../src/platforms/dingtalk/client.ts";
import type { DingTalkConfig } from "../../src/platforms/dingtalk/config.ts";
import { createFeishuAdapter } from "../../src/platforms/feishu/adapter.ts";
import { createFeishuClient } from "../../src/platforms/feishu/client.ts";
import type { FeishuConfig } from "../../src/platforms/feishu/config.ts";
import type { PlatformClient } from "../../src/platforms/types.ts";

/** The Feishu adapter alone, for tests of the scheduler and the bot: its limits, and a real or given client. */
export function feishuOnly(config: FeishuConfig, client?: PlatformClient): PlatformSet {
  const adapter = createFeishuAdapter(config, {
    logger: silentLogger,
    background: createBackgroundRunner(() => {}),
    client: client ?? createFeishuClient(config),
  });
  return new Map([["feishu", adapter]]);
}

/** Any client (a fake one, one that dies…) dressed as the Feishu platform, with Feishu's limits. */
export function withClient(client: PlatformClient): PlatformSet {
  return feishuOnly(
    {
      appId: "cli_test",
      appSecret: "secret",
      encryptKey: undefined,
      verificationToken: undefined,
      domain: "http://127.0.0.1:9",
      botName: "支部助手",
      allowUnsigned: false,
    },
    client,
  );
}

/** The DingTalk adapter alone (real client, DingTalk's limits), e.g. against the fake DingTalk OpenAPI. */
export function dingtalkOnly(config: DingTalkConfig, clientOptions: DingTalkClientOptions = {}): PlatformSet {
  const adapter = createDingTalkAdapter(
    {
      ...config,
      cardTemplateId: config.cardTemplateId ?? "tpl",
      cardCallbackSecret: config.cardCallbackSecret ?? "secret",
      botName: "支部助手",
    },
    {
      logger: silentLogger,
      background: createBackgroundRunner(() => {}),
      clientOptions,
    },
  );
  return new Map([["dingtalk", adapter]]);
}
