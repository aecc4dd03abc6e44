import type { Logger } from "../../lib/logger.ts";
import type { RateLimiter } from "../../lib/rate-limiter.ts";
import type { CardView, PlatformClient, PlatformName } from "../../platforms/types.ts";

/**
 * Keeps live cards (sign-in counts) current without flooding the platform: Feishu allows 5 updates a
 * second per message, so a burst of clicks becomes at most one patch per interval, and a click that
 * lands while a patch is being rendered causes one more, so the last patch always shows the final state.
 */
export interface CardRefresher {
  /** Asks for the subject's cards to be re-rendered soon; resolves when the patch that covers this call is done. */
  refresh(subject: string): Promise<void>;
  /** Waits for every refresh in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export interface RenderedCards {
  card: CardView;
  messages: { platform: PlatformName; messageId: string }[];
}

interface State {
  dirty: boolean;
  lastAt: number;
  running: Promise<void> | undefined;
}

export function createCardRefresher(deps: {
  render(subject: string): Promise<RenderedCards | undefined>;
  clients: Partial<Record<PlatformName, PlatformClient>>;
  logger: Logger;
  /** 250 ms: four patches a second, under Feishu's five. */
  minIntervalMs?: number;
  /**
   * The live cards' share of the platform's per-app budget (Feishu: 50 calls a second for the whole app),
   * taken before each render so the patch shows the counts of the moment it is sent. When many meetings
   * sign in at once each card is patched less often, and the outbox's reminders still get through.
   */
  pace?: RateLimiter;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): CardRefresher {
  const interval = deps.minIntervalMs ?? 250;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const states = new Map<string, State>();

  /** Runs the loop, and again if a click landed between its last look at `dirty` and its end. */
  function start(subject: string, s: State): Promise<void> {
    const after = (): Promise<void> | undefined => {
      s.running = undefined;
      return s.dirty ? start(subject, s) : undefined;
    };
    s.running = loop(subject, s).then(after, after);
    return s.running;
  }

  async function loop(subject: string, state: State) {
    while (state.dirty) {
      const wait = state.lastAt + interval - clock();
      if (wait > 0) await sleep(wait);
      await deps.pace?.acquire("live-cards");
      state.dirty = false;
      state.lastAt = clock();
      try {
        const rendered = await deps.render(subject);
        if (!rendered) continue;
        await Promise.all(
          rendered.messages.map(async (m) => {
            const client = deps.clients[m.platform];
            if (client) await client.updateCard(m.messageId, rendered.card);
          }),
        );
      } catch (error) {
        // The next click or the close will patch again; a lost intermediate count is harmless.
        deps.logger.warn("卡片更新失败", { subject, error });
      }
    }
  }

  return {
    refresh(subject) {
      // A subject's last patch time outlives its loop: a click just after a loop ended must still wait
      // out the interval, or clicks arriving one by one would each patch at once.
      if (states.size > 100) {
        for (const [key, s] of states) if (!s.running && clock() - s.lastAt > interval) states.delete(key);
      }
      let state = states.get(subject);
      if (!state) {
        state = { dirty: false, lastAt: 0, running: undefined };
        states.set(subject, state);
      }
      state.dirty = true;
      return state.running ?? start(subject, state);
    },
    async idle() {
      while ([...states.values()].some((s) => s.running)) {
        await Promise.all([...states.values()].map((s) => s.running));
      }
    },
  };
}
