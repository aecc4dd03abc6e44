/**
 * Keeps a card under a platform's size limit, whatever text ended up in it (a place typed before limits
 * existed, a branch with hundreds of members, a long list of absentees). Pure and deterministic: the same
 * card and limit always give the same result. Each platform measures its own rendering; this module only
 * shrinks the platform-neutral view, step by step, until the measure fits:
 *
 *  1. long texts are cut, ever shorter, ending in “…（内容过长，已截断）”;
 *  2. long lists (fields, choices) keep their first items, the rest summed up as “等 N 项”;
 *  3. as a last resort only the header, buttons, forms and links are kept, with a note saying so.
 *
 * Buttons, forms and their action values are never cut: the card must still work.
 */
import type { CardBlock, CardInput, CardView } from "./types.ts";

export const TRUNCATED_MARK = "…（内容过长，已截断）";

/** Caps tried in turn: characters per text, items per list. Gentle first, so most of a card survives. */
const STEPS: readonly { text: number; list: number }[] = [
  { text: 4000, list: Number.POSITIVE_INFINITY },
  { text: 2000, list: 200 },
  { text: 1000, list: 100 },
  { text: 500, list: 50 },
  { text: 200, list: 50 },
  { text: 100, list: 20 },
  { text: 50, list: 20 },
  { text: 20, list: 10 },
  { text: 20, list: 5 },
];

const chars = (s: string) => Array.from(s);

export function truncateText(text: string, max: number): string {
  const all = chars(text);
  if (all.length <= max) return text;
  return `${all.slice(0, Math.max(0, max)).join("")}${TRUNCATED_MARK}`;
}

/** UTF-8 bytes of a string, without allocating it encoded (works the same on Node and Workers). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Bytes of a JSON value as sent. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value));
}

function cutInput(i: CardInput, text: number, list: number): CardInput {
  const out: CardInput = { ...i, label: truncateText(i.label, text) };
  if (i.placeholder !== undefined) out.placeholder = truncateText(i.placeholder, text);
  if (i.initial !== undefined) out.initial = truncateText(i.initial, text);
  if (i.options) {
    const options = i.options.map((o) => ({ ...o, label: truncateText(o.label, text) }));
    if (options.length > list) {
      // Pre-selected choices stay listed; the first others fill the rest.
      const picked = new Set(i.initialValues ?? []);
      const kept = options.filter((o, n) => picked.has(o.value) || n < list);
      out.options = kept;
      out.label = `${out.label}（仅列出 ${kept.length} 项，等 ${options.length - kept.length} 项未列出）`;
    } else out.options = options;
  }
  return out;
}

function cutBlock(b: CardBlock, text: number, list: number): CardBlock {
  switch (b.type) {
    case "markdown":
    case "note":
      return { ...b, text: truncateText(b.text, text) };
    case "fields": {
      const fields = b.fields.map((f) => ({
        label: truncateText(f.label, Math.min(text, 50)),
        value: truncateText(f.value, text),
      }));
      if (fields.length <= list) return { ...b, fields };
      return {
        ...b,
        fields: [...fields.slice(0, list), { label: "…", value: `等 ${fields.length - list} 项` }],
      };
    }
    case "buttons":
      return {
        ...b,
        buttons: b.buttons.map((x) => ({
          ...x,
          label: truncateText(x.label, Math.max(text, 20)),
          ...(x.confirm
            ? {
                confirm: {
                  title: truncateText(x.confirm.title, Math.max(text, 20)),
                  text: truncateText(x.confirm.text, text),
                },
              }
            : {}),
        })),
      };
    case "link":
      return { ...b, label: truncateText(b.label, Math.max(text, 20)) };
    case "form":
      return {
        ...b,
        inputs: b.inputs.map((i) => cutInput(i, text, list)),
        submit: { ...b.submit, label: truncateText(b.submit.label, Math.max(text, 20)) },
      };
    case "divider":
      return b;
    case "chart":
      return { ...b, fallback: truncateText(b.fallback, text) };
  }
}

function cut(card: CardView, text: number, list: number): CardView {
  return {
    header: {
      ...card.header,
      title: truncateText(card.header.title, Math.min(text, 100)),
      ...(card.header.subtitle !== undefined
        ? { subtitle: truncateText(card.header.subtitle, Math.min(text, 100)) }
        : {}),
    },
    blocks: card.blocks.map((b) => cutBlock(b, text, list)),
  };
}

/** Only what makes the card work: the header, its buttons, forms and links, and a note saying so. */
function essentials(card: CardView): CardView {
  const kept = card.blocks.filter((b) => b.type === "buttons" || b.type === "form" || b.type === "link");
  return {
    header: card.header,
    blocks: [{ type: "note", text: "内容过长，已截断；详情请向支部书记或机关党委了解。" }, ...kept],
  };
}

/**
 * The card itself when `measure(card)` ≤ `maxBytes`; otherwise the first shrunk version that fits, or the
 * smallest one tried if none does (a card of thousands of buttons).
 */
export function fitCard(card: CardView, maxBytes: number, measure: (card: CardView) => number): CardView {
  if (measure(card) <= maxBytes) return card;
  let last = card;
  for (const step of STEPS) {
    last = cut(card, step.text, step.list);
    if (measure(last) <= maxBytes) return last;
  }
  const bare = essentials(card);
  for (const step of STEPS) {
    last = cut(bare, step.text, step.list);
    if (measure(last) <= maxBytes) return last;
  }
  return last;
}
