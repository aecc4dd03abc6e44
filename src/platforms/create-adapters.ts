import type { Config } from "../config.ts";
import type { AdapterDeps, PlatformAdapter, PlatformSet } from "./adapter.ts";
import { PLATFORMS } from "./index.ts";
import type { PlatformName } from "./types.ts";

/** An adapter for each platform the config enables, in the order of src/platforms/index.ts. */
export async function createAdapters(config: Config, deps: AdapterDeps): Promise<PlatformSet> {
  const set = new Map<PlatformName, PlatformAdapter>();
  for (const platform of PLATFORMS) {
    const settings = config.platforms[platform.name];
    if (settings === undefined) continue;
    set.set(platform.name, await platform.create(settings, deps));
  }
  return set;
}
