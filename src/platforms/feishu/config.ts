/** FEISHU_* variables → the Feishu adapter's settings. Pure. */
import { type EnvRecord, optionalText, readEnv, url } from "../../config-env.ts";

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  domain: string;
  botName: string;
}

const shape = {
  FEISHU_APP_ID: optionalText,
  FEISHU_APP_SECRET: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_DOMAIN: url("https://open.feishu.cn"),
  FEISHU_BOT_NAME: optionalText,
};

export function readFeishuConfig(env: EnvRecord): { settings?: FeishuConfig; problems: string[] } {
  const read = readEnv(shape, env);
  if (!read.ok) return { problems: read.problems };
  const e = read.value;
  if (Boolean(e.FEISHU_APP_ID) !== Boolean(e.FEISHU_APP_SECRET)) {
    return {
      problems: [
        e.FEISHU_APP_ID
          ? "FEISHU_APP_SECRET: 设置了 FEISHU_APP_ID 就必须同时设置 FEISHU_APP_SECRET"
          : "FEISHU_APP_ID: 设置了 FEISHU_APP_SECRET 就必须同时设置 FEISHU_APP_ID",
      ],
    };
  }
  if (!e.FEISHU_APP_ID || !e.FEISHU_APP_SECRET) return { problems: [] };
  return {
    problems: [],
    settings: {
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      domain: e.FEISHU_DOMAIN ?? "https://open.feishu.cn",
      botName: e.FEISHU_BOT_NAME ?? "支部助手",
    },
  };
}
