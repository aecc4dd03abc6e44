/**
 * Pure: our CardView → Feishu card JSON 2.0. `update_multi` is always on, since JSON 2.0 only
 * supports shared cards and every card of ours may be patched later (sign-in counts, closed meetings).
 * A card whose JSON would pass Feishu's size limit is shrunk first (src/platforms/card-fit.ts), so
 * every card we render can be delivered.
 */
import { fitCard, jsonBytes } from "../card-fit.ts";
import type { ActionValue, CardBlock, CardButton, CardInput, CardTone, CardView } from "../types.ts";
import { FEISHU_LIMITS } from "./limits.ts";

export type FeishuCardJson = {
  schema: "2.0";
  config: { update_multi: true; summary?: { content: string } };
  header: {
    title: PlainText;
    subtitle?: PlainText;
    template: string;
  };
  body: { elements: FeishuElement[] };
};

type PlainText = { tag: "plain_text"; content: string };
type FeishuElement = Record<string, unknown>;

const TONE_TEMPLATES: Record<CardTone, string> = {
  blue: "blue",
  green: "green",
  orange: "orange",
  red: "red",
  grey: "grey",
};

const plain = (content: string): PlainText => ({ tag: "plain_text", content });

/** Feishu markdown reads these characters as formatting; values from users must show as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[&<>*_~`[\]()#|\\]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const callback = (value: ActionValue) => [{ type: "callback", value }];

function button(b: CardButton): FeishuElement {
  return {
    tag: "button",
    text: plain(b.label),
    type: b.style ?? "default",
    behaviors: callback(b.value),
    ...(b.confirm ? { confirm: { title: plain(b.confirm.title), text: plain(b.confirm.text) } } : {}),
  };
}

/** Buttons side by side, wrapping on narrow screens. */
function buttonRow(buttons: FeishuElement[]): FeishuElement {
  return {
    tag: "column_set",
    flex_mode: "flow",
    horizontal_spacing: "8px",
    columns: buttons.map((b) => ({ tag: "column", width: "auto", elements: [b] })),
  };
}

/** A choice renders as Feishu's static select, its label as a line of text above (selects carry none). */
function choice(i: CardInput & { options: NonNullable<CardInput["options"]> }): FeishuElement[] {
  const options = i.options.map((o) => ({ text: plain(o.label), value: o.value }));
  const picked = i.initialValues ?? [];
  return [
    {
      tag: "markdown",
      content: `**${escapeMarkdown(i.label)}**${i.required ? " <font color='red'>*</font>" : ""}`,
    },
    i.single
      ? {
          tag: "select_static",
          name: i.name,
          required: i.required ?? false,
          width: "fill",
          options,
          ...(picked[0] ? { initial_option: picked[0] } : {}),
        }
      : {
          tag: "multi_select_static",
          name: i.name,
          required: i.required ?? false,
          width: "fill",
          options,
          selected_values: picked,
        },
  ];
}

function input(i: CardInput): FeishuElement[] {
  if (i.options) return choice({ ...i, options: i.options });
  return [
    {
      tag: "input",
      // Feishu wants names unique across the whole card, not just within the form.
      name: i.name,
      label: plain(i.label),
      label_position: "top",
      required: i.required ?? false,
      width: "fill",
      ...(i.placeholder ? { placeholder: plain(i.placeholder) } : {}),
      ...(i.initial !== undefined ? { default_value: i.initial } : {}),
      ...(i.multiline ? { input_type: "multiline_text", rows: 3, auto_resize: true } : {}),
    },
  ];
}

function block(b: CardBlock): FeishuElement[] {
  switch (b.type) {
    case "markdown":
      return [{ tag: "markdown", content: b.text }];
    case "fields":
      return b.fields.length === 0
        ? []
        : [
            {
              tag: "markdown",
              content: b.fields
                .map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`)
                .join("\n"),
            },
          ];
    case "divider":
      return [{ tag: "hr" }];
    case "note":
      return [
        {
          tag: "markdown",
          content: `<font color='grey'>${escapeMarkdown(b.text)}</font>`,
          text_size: "notation",
        },
      ];
    case "buttons":
      return b.buttons.length === 0 ? [] : [buttonRow(b.buttons.map(button))];
    case "link":
      return [
        buttonRow([
          {
            tag: "button",
            text: plain(b.label),
            type: "default",
            behaviors: [{ type: "open_url", default_url: b.url }],
          },
        ]),
      ];
    case "chart":
      return [
        {
          tag: "chart",
          chart_spec: b.spec,
          // Both sizes given would leave the height ignored; a fixed height wins for tall bar charts.
          ...(b.height ? { height: b.height } : { aspect_ratio: b.aspectRatio ?? "16:9" }),
          preview: true,
        },
      ];
    case "form":
      return [
        {
          tag: "form",
          name: b.name,
          elements: [
            ...b.inputs.flatMap(input),
            {
              tag: "button",
              name: `${b.name}_submit`,
              text: plain(b.submit.label),
              type: "primary",
              form_action_type: "submit",
              behaviors: callback(b.submit.value),
            },
          ],
        },
      ];
  }
}

/** The card as it is, however large; `renderCard` is what gets sent. */
export function renderCardUnfitted(card: CardView): FeishuCardJson {
  return {
    schema: "2.0",
    config: { update_multi: true, summary: { content: card.header.title } },
    header: {
      title: plain(card.header.title),
      ...(card.header.subtitle ? { subtitle: plain(card.header.subtitle) } : {}),
      template: TONE_TEMPLATES[card.header.tone ?? "blue"],
    },
    body: { elements: card.blocks.flatMap(block) },
  };
}

/** The card as Feishu JSON, shrunk if need be to `maxBytes` of JSON (Feishu's limit by default). */
export function renderCard(card: CardView, maxBytes = FEISHU_LIMITS.maxCardBytes): FeishuCardJson {
  const full = renderCardUnfitted(card);
  if (jsonBytes(full) <= maxBytes) return full;
  return renderCardUnfitted(fitCard(card, maxBytes, (c) => jsonBytes(renderCardUnfitted(c))));
}
