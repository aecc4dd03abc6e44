/** FEISHU_* variables → the Feishu adapter's settings. Pure. */
import { type EnvRecord, flag, optionalText, readEnv, url } from "../../config-env.ts";

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  domain: string;
  botName: string;
  /** Development only: accept events that are not signed (no FEISHU_ENCRYPT_KEY). Logged loudly. */
  allowUnsigned: boolean;
}

const shape = {
  FEISHU_APP_ID: optionalText,
  FEISHU_APP_SECRET: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_DOMAIN: url("https://open.feishu.cn"),
  FEISHU_BOT_NAME: optionalText,
  FEISHU_ALLOW_UNSIGNED: flag(false),
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
  // Without the encrypt key Feishu's requests carry no signature: anyone could post a forged 安排 or 签到.
  if (!e.FEISHU_ENCRYPT_KEY && !e.FEISHU_ALLOW_UNSIGNED) {
    return {
      problems: [
        "FEISHU_ENCRYPT_KEY: 配置了飞书应用就必须设置（开发者后台 → 事件与回调 → 加密策略 → Encrypt Key），否则无法校验请求签名，任何人都能伪造事件。仅在本机开发时可设置 FEISHU_ALLOW_UNSIGNED=true 跳过",
      ],
    };
  }
  return {
    problems: [],
    settings: {
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      domain: e.FEISHU_DOMAIN ?? "https://open.feishu.cn",
      botName: e.FEISHU_BOT_NAME ?? "支部助手",
      allowUnsigned: e.FEISHU_ALLOW_UNSIGNED,
    },
  };
}
