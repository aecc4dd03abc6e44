import { findMeeting, type MeetingRow, signInCardMessages } from "../../db/queries/meetings.ts";
import type { Database } from "../../db/types.ts";
import { type MeetingView, signInCard } from "../views/meeting-cards.ts";
import type { RenderedCards } from "./card-refresher.ts";
import { loadCounts, loadMeetingView } from "./meeting-view.ts";

interface Frame {
  /** The meeting as the frame saw it: an edit or the close changes it, and the frame is rebuilt. */
  version: string;
  builtAt: number;
  view: MeetingView;
}

const versionOf = (m: MeetingRow) =>
  [m.state, m.updatedAt.getTime(), m.startsAt.getTime(), m.endsAt.getTime(), m.title, m.place].join("\u0000");

/**
 * Renders a meeting's sign-in card for the card refresher. In a burst of clicks only the counts change
 * from one patch to the next, so the meeting's view (its branch, its pending 第一议题) is kept for up to
 * `maxAgeMs` while the meeting row is unchanged. The meeting row, the counts and where the card has been
 * posted are read afresh every time: the scheduler (maybe in another process) may post a copy at any moment.
 */
export function createSignInCardRenderer(deps: {
  db: Database;
  timeZone: string;
  /** How stale the pending study items on a live card may get during a burst. */
  maxAgeMs?: number;
  clock?: () => number;
}): (meetingId: string) => Promise<RenderedCards | undefined> {
  const maxAge = deps.maxAgeMs ?? 5_000;
  const clock = deps.clock ?? Date.now;
  const frames = new Map<string, Frame>();

  async function frameOf(meeting: MeetingRow, now: number): Promise<Frame> {
    for (const [id, f] of frames) if (now - f.builtAt >= maxAge) frames.delete(id);
    const version = versionOf(meeting);
    const kept = frames.get(meeting.id);
    if (kept?.version === version) return kept;
    const frame = { version, builtAt: now, view: await loadMeetingView(deps.db, meeting, deps.timeZone) };
    frames.set(meeting.id, frame);
    return frame;
  }

  return async (meetingId) => {
    const meeting = await findMeeting(deps.db, meetingId);
    if (!meeting) return undefined;
    const [frame, counts, messages] = await Promise.all([
      frameOf(meeting, clock()),
      loadCounts(deps.db, meeting.id),
      signInCardMessages(deps.db, meeting.id),
    ]);
    return { card: signInCard(frame.view, counts), messages };
  };
}
