/**
 * Every feature of the bot, in order: their commands make up 帮助, their planners run each tick in this
 * order, and they hear each other's events in this order. Adding a feature is a folder under src/app/
 * exporting a FeatureModule, plus one line here.
 */
import { awayFeature } from "./away/index.ts";
import { coreFeature } from "./core/index.ts";
import type { FeatureModule } from "./feature.ts";
import { liaisonFeature } from "./liaison/index.ts";
import { meetingsFeature } from "./meetings/index.ts";
import { statusFeature } from "./status/index.ts";
import { studyFeature } from "./study/index.ts";

export const FEATURES: readonly FeatureModule[] = [
  coreFeature,
  meetingsFeature,
  studyFeature,
  liaisonFeature,
  statusFeature,
  awayFeature,
];
