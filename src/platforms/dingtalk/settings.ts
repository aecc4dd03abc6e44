/**
 * DINGTALK_* variables → the adapter's settings: loadDingTalkConfig's reading, plus what the running
 * bot needs on top of the protocol pieces. Fails closed: every feature needs cards, and a card click
 * is only trusted when signed, so an app without the card template and the callback secret is refused
 * at start-up rather than run half-way.
 */
import type { EnvRecord } from "../../config-env.ts";
import { type DingTalkConfig, loadDingTalkConfig } from "./config.ts";

export interface DingTalkSettings extends DingTalkConfig {
  /** The robot's name in chats, as people @-mention it. */
  botName: string;
  /** Set by the readers below: both are required. */
  cardTemplateId: string;
  cardCallbackSecret: string;
}

export function readDingTalkConfig(env: EnvRecord): { settings?: DingTalkSettings; problems: string[] } {
  const read = loadDingTalkConfig(env);
  if (!read.ok) return { problems: read.problems };
  const config = read.config;
  if (!config) return { problems: [] };
  const problems: string[] = [];
  if (!config.cardTemplateId) {
    problems.push(
      "DINGTALK_CARD_TEMPLATE_ID: 配置了钉钉应用就必须设置（卡片平台中按 src/platforms/dingtalk/templates/README.md 搭建并发布的模板 ID），签到、请假、第一议题等功能都要用卡片",
    );
  }
  if (!config.cardCallbackSecret) {
    problems.push(
      "DINGTALK_CARD_CALLBACK_SECRET: 配置了钉钉应用就必须设置（注册卡片回调地址时的 apiSecret，自行生成的随机串），否则无法确认卡片点击来自钉钉，任何人都能伪造签到",
    );
  }
  if (!config.cardTemplateId || !config.cardCallbackSecret) return { problems };
  return {
    problems: [],
    settings: {
      ...config,
      cardTemplateId: config.cardTemplateId,
      cardCallbackSecret: config.cardCallbackSecret,
      botName: env.DINGTALK_BOT_NAME?.trim() || "支部助手",
    },
  };
}
