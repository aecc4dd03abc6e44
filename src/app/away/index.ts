/**
 * 外出: members record the days they are away (出差、休假、病假…), or their 书记 or the 机关党委 does it
 * for them; every planner that nudges a person privately leaves them out meanwhile (`./periods.ts`).
 */
import { AWAY_SUMMARY, AWAY_USAGE, AWAY_WORDS, type AwayCommand, parseAwayArgs } from "../../domain/away.ts";
import { defineCommand, type FeatureModule } from "../feature.ts";
import { handleAway } from "./record.ts";

export const awayFeature: FeatureModule = {
  name: "away",
  create({ config, recipients }) {
    const deps = { timeZone: config.timezone, recipients };
    return {
      commands: [
        defineCommand<AwayCommand>({
          words: AWAY_WORDS,
          usage: AWAY_USAGE,
          summary: AWAY_SUMMARY,
          parse: (rest) => {
            const p = parseAwayArgs(rest);
            return p.ok ? { ok: true, args: p.command } : p;
          },
          async handle(ctx, c) {
            const text = await handleAway(deps, ctx, c);
            await ctx.reply({ kind: "text", text });
          },
        }),
      ],
    };
  },
};
