import { createBackgroundRunner } from "../../src/lib/background.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { PlatformSet } from "../../src/platforms/adapter.ts";
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
