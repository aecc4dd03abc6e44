import type { Logger } from "../../lib/logger.ts";
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
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): CardRefresher {
  const interval = deps.minIntervalMs ?? 250;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const states = new Map<string, State>();

  async function loop(subject: string, state: State) {
    while (state.dirty) {
      const wait = state.lastAt + interval - clock();
      if (wait > 0) await sleep(wait);
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
      let state = states.get(subject);
      if (!state) {
        state = { dirty: false, lastAt: 0, running: undefined };
        states.set(subject, state);
      }
      state.dirty = true;
      if (!state.running) {
        const s = state;
        s.running = loop(subject, s).finally(() => {
          s.running = undefined;
          if (!s.dirty) states.delete(subject);
        });
      }
      return state.running ?? Promise.resolve();
    },
    async idle() {
      while ([...states.values()].some((s) => s.running)) {
        await Promise.all([...states.values()].map((s) => s.running));
      }
    },
  };
}
