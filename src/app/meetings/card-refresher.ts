import type { Logger } from "../../lib/logger.ts";
import type { RateLimiter } from "../../lib/rate-limiter.ts";
import type { CardView, PlatformClient, PlatformName } from "../../platforms/types.ts";

/**
 * Keeps live cards (sign-in counts) current without flooding the platform: each platform allows a few
 * updates a second per card, so a burst of clicks becomes at most one patch per interval (per platform),
 * and a click that lands while a patch is being rendered causes one more, so the last patch always
 * shows the final state. With a `lock`, the same holds across processes and Workers isolates: only the
 * card's holder patches, one patch after the other, and patches again when anyone asked meanwhile.
 */
export interface CardRefresher {
  /**
   * Asks for the subject's cards to be re-rendered soon; resolves when the patch that covers this call is
   * done, or, when another process holds the card, once that process has been asked to patch again.
   */
  refresh(subject: string): Promise<void>;
  /** Waits for every refresh in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export interface RenderedCards {
  card: CardView;
  messages: { platform: PlatformName; messageId: string }[];
}

interface State {
  subject: string;
  platform: PlatformName;
  dirty: boolean;
  lastAt: number;
  running: Promise<void> | undefined;
}

export interface RefreshChannel {
  client: PlatformClient;
  /** Least gap between two patches of one card (default 250 ms: four a second). */
  minIntervalMs?: number;
  /**
   * The live cards' share of the platform's per-app budget, taken before each render so the patch shows
   * the counts of the moment it is sent. When many meetings sign in at once each card is patched less
   * often, and the outbox's reminders still get through.
   */
  pace?: RateLimiter;
}

/** A turn at patching one card, held until `done`. */
export interface PatchTurn {
  /** Wait this long first: the card's last patch, from any process, was sent less than an interval ago. */
  waitMs: number;
  /** Ends the turn after a patch; true when someone asked for a patch meanwhile and the turn goes on. */
  done(): Promise<boolean>;
}

/** Serialises the patches of a card between processes (see src/app/meetings/card-patch-lock.ts). */
export interface CardPatchLock {
  /** The turn, or undefined when another process holds the card: it will patch again, having been asked. */
  take(subject: string, platform: PlatformName, intervalMs: number): Promise<PatchTurn | undefined>;
}

export function createCardRefresher(deps: {
  render(subject: string): Promise<RenderedCards | undefined>;
  /** Each platform's client and pace; a subject's cards on each platform are patched on their own loop. */
  channels: Partial<Record<PlatformName, RefreshChannel>>;
  logger: Logger;
  /** Without one, this process is taken to be the only one patching its cards. */
  lock?: CardPatchLock;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): CardRefresher {
  const clock = deps.clock ?? Date.now;
  const platforms = (Object.keys(deps.channels) as PlatformName[]).filter((p) => deps.channels[p]);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const states = new Map<string, State>();

  const intervalOf = (platform: PlatformName) => deps.channels[platform]?.minIntervalMs ?? 250;

  /** Runs the loop, and again if a click landed between its last look at `dirty` and its end. */
  function start(s: State): Promise<void> {
    const after = (): Promise<void> | undefined => {
      s.running = undefined;
      return s.dirty ? start(s) : undefined;
    };
    s.running = loop(s).then(after, after);
    return s.running;
  }

  async function loop(state: State) {
    const channel = deps.channels[state.platform];
    if (!channel) return;
    const interval = intervalOf(state.platform);
    while (state.dirty) {
      const wait = state.lastAt + interval - clock();
      if (wait > 0) await sleep(wait);
      state.dirty = false;
      let turn: PatchTurn | undefined;
      if (deps.lock) {
        try {
          turn = await deps.lock.take(state.subject, state.platform, interval);
        } catch (error) {
          deps.logger.warn("卡片更新失败", { subject: state.subject, platform: state.platform, error });
          continue;
        }
        // Another process holds the card; having been asked, it patches once more after its current patch.
        if (!turn) continue;
        if (turn.waitMs > 0) await sleep(turn.waitMs);
      }
      for (;;) {
        await patch(state, channel);
        const again = await turn?.done().catch((error: unknown) => {
          // The card stays held until its lease runs out; the scheduler's sweep then patches it again.
          deps.logger.warn("卡片更新失败", { subject: state.subject, platform: state.platform, error });
          return false;
        });
        if (!again) break;
        await sleep(interval);
      }
    }
  }

  async function patch(state: State, channel: RefreshChannel) {
    await channel.pace?.acquire("live-cards");
    state.lastAt = clock();
    try {
      const rendered = await deps.render(state.subject);
      if (!rendered) return;
      const mine = rendered.messages.filter((m) => m.platform === state.platform);
      await Promise.all(mine.map((m) => channel.client.updateCard(m.messageId, rendered.card)));
    } catch (error) {
      // The next click or the close will patch again; a lost intermediate count is harmless.
      deps.logger.warn("卡片更新失败", { subject: state.subject, platform: state.platform, error });
    }
  }

  function refreshOn(platform: PlatformName, subject: string): Promise<void> {
    const key = `${platform}\u0000${subject}`;
    let state = states.get(key);
    if (!state) {
      state = { subject, platform, dirty: false, lastAt: 0, running: undefined };
      states.set(key, state);
    }
    state.dirty = true;
    return state.running ?? start(state);
  }

  return {
    refresh(subject) {
      // A subject's last patch time outlives its loop: a click just after a loop ended must still wait
      // out the interval, or clicks arriving one by one would each patch at once.
      if (states.size > 100) {
        for (const [key, s] of states) {
          if (!s.running && clock() - s.lastAt > intervalOf(s.platform)) states.delete(key);
        }
      }
      return Promise.all(platforms.map((p) => refreshOn(p, subject))).then(() => {});
    },
    async idle() {
      while ([...states.values()].some((s) => s.running)) {
        await Promise.all([...states.values()].map((s) => s.running));
      }
    },
  };
}
