/**
 * Pure: our CardView → the variables of ONE generic DingTalk card template (templates/README.md
 * describes it for whoever builds it in the card platform). DingTalk renders cards from templates; the
 * API only fills `cardData.cardParamMap`, a Map<String, String> whose non-string values are JSON
 * strings (https://open.dingtalk.com/document/development/instructions-for-filling-in-api-card-data).
 *
 * The template is a column of SECTION_SLOTS sections; each shows, in this order, a markdown text, a
 * row of buttons (a loop) and a form (a loop of fields plus its submit button). Blocks are poured into
 * sections in their CardView order, so the card reads the same as on Feishu.
 *
 * Every variable is always sent (empty when unused): updates by key then replace the whole card.
 *
 * Size: the create/update pages cap a value at 1 KB and a key at 100 B. Markdown texts are cut to
 * MAX_TEXT_BYTES. The official examples (open-dingtalk/dingtalk-card-examples) send loop arrays far
 * larger than 1 KB, so arrays get MAX_ARRAY_BYTES instead (select options beyond it are dropped and the
 * label says so), and the whole map stays under MAX_CARD_BYTES.
 */
import type {
  ActionValue,
  CardActionResponse,
  CardBlock,
  CardButton,
  CardInput,
  CardView,
} from "../types.ts";

export const SECTION_SLOTS = 6;
export const MAX_TEXT_BYTES = 1000;
export const MAX_ARRAY_BYTES = 8 * 1024;
export const MAX_CARD_BYTES = 24 * 1024;
export const MAX_BUTTONS_PER_ROW = 6;

export type CardParamMap = Record<string, string>;

export interface TemplateButton {
  label: string;
  /** blue = primary, red = danger, gray = default. */
  color: "blue" | "red" | "gray";
  /** JSON of our ActionValue; comes back as the `action` param of the click. */
  action: string;
  confirm: boolean;
  confirm_title: string;
  confirm_text: string;
}

/** Shaped like `form_fields` in the official loop-form example; inputs write into default_*. */
export interface TemplateField {
  type: "TEXT" | "SELECT" | "MULTI_SELECT";
  name: string;
  label: string;
  placeholder: string;
  required: boolean;
  multiline: boolean;
  default_string?: string;
  default_number?: number;
  default_number_array?: number[];
  /** `value` is the option's index; `id` is our value, read back by parse.ts. */
  options?: { value: number; text: { zh_CN: string }; id: string }[];
}

interface Section {
  md: string[];
  buttons: TemplateButton[];
  form?: { fields: TemplateField[]; submit: string; action: string };
}

export interface RenderedCard {
  params: CardParamMap;
  /** What did not fit, in Chinese, for the log. */
  warnings: string[];
}

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** DingTalk card markdown reads these as formatting; text from users must show as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()#>|~<]/g, (ch) => `\\${ch}`);
}

function cutToBytes(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  const tail = "…（内容过长，已截断）";
  let out = "";
  for (const ch of text) {
    if (bytes(out + ch) + bytes(tail) > max) break;
    out += ch;
  }
  return out + tail;
}

const actionJson = (v: ActionValue) => JSON.stringify(v);

function button(b: CardButton): TemplateButton {
  return {
    label: b.label,
    color: b.style === "primary" ? "blue" : b.style === "danger" ? "red" : "gray",
    action: actionJson(b.value),
    confirm: Boolean(b.confirm),
    confirm_title: b.confirm?.title ?? "",
    confirm_text: b.confirm?.text ?? "",
  };
}

function field(i: CardInput): TemplateField {
  const base = {
    name: i.name,
    label: i.label,
    placeholder: i.placeholder ?? "",
    required: i.required ?? false,
    multiline: i.multiline ?? false,
  };
  if (!i.options) return { ...base, type: "TEXT", default_string: i.initial ?? "" };
  const options = i.options.map((o, index) => ({ value: index, text: { zh_CN: o.label }, id: o.value }));
  const picked = (i.initialValues ?? [])
    .map((v) => options.findIndex((o) => o.id === v))
    .filter((n) => n >= 0);
  return i.single
    ? { ...base, type: "SELECT", options, ...(picked[0] !== undefined ? { default_number: picked[0] } : {}) }
    : { ...base, type: "MULTI_SELECT", options, default_number_array: picked };
}

/** Keeps a form's JSON under the array cap by dropping the longest select's last options. */
function fitFields(fields: TemplateField[], warnings: string[]): TemplateField[] {
  const out = fields.map((f) => ({ ...f, ...(f.options ? { options: [...f.options] } : {}) }));
  const original = new Map(out.map((f) => [f.name, f.options?.length ?? 0]));
  while (bytes(JSON.stringify(out)) > MAX_ARRAY_BYTES) {
    const longest = out.reduce((a, b) => ((b.options?.length ?? 0) > (a.options?.length ?? 0) ? b : a));
    if (!longest.options || longest.options.length <= 1) break;
    longest.options.pop();
  }
  for (const f of out) {
    const before = original.get(f.name) ?? 0;
    if (f.options && f.options.length < before) {
      f.label = `${f.label}（仅列出前 ${f.options.length} 项）`;
      warnings.push(
        `表单项“${fields.find((x) => x.name === f.name)?.label}”选项过多，只发送了前 ${f.options.length} 项`,
      );
    }
  }
  return out;
}

function textOf(b: CardBlock): string | undefined {
  switch (b.type) {
    case "markdown":
      return b.text;
    case "fields":
      return b.fields.length
        ? b.fields.map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`).join("\n")
        : undefined;
    case "note":
      return `> ${escapeMarkdown(b.text)}`;
    case "divider":
      return "---";
    case "link":
      return `[${escapeMarkdown(b.label)}](${b.url})`;
    case "chart":
      // The template draws no charts: the same figures as text.
      return `**${escapeMarkdown(b.title)}**\n${escapeMarkdown(b.fallback)}`;
    default:
      return undefined;
  }
}

/** Pours blocks into sections: text first, then one button row, then one form, as the template lays them out. */
function sectionsOf(card: CardView, warnings: string[]): Section[] {
  const sections: Section[] = [];
  let current: Section = { md: [], buttons: [] };
  const next = () => {
    sections.push(current);
    current = { md: [], buttons: [] };
  };
  for (const b of card.blocks) {
    const text = textOf(b);
    if (text !== undefined) {
      if (current.buttons.length || current.form) next();
      current.md.push(text);
    } else if (b.type === "buttons" && b.buttons.length) {
      if (current.buttons.length || current.form) next();
      current.buttons = b.buttons.slice(0, MAX_BUTTONS_PER_ROW).map(button);
      if (b.buttons.length > MAX_BUTTONS_PER_ROW)
        warnings.push(`一行按钮超过 ${MAX_BUTTONS_PER_ROW} 个，多余的未发送`);
    } else if (b.type === "form") {
      if (current.form) next();
      current.form = {
        fields: fitFields(b.inputs.map(field), warnings),
        submit: b.submit.label,
        action: actionJson(b.submit.value),
      };
    }
  }
  if (current.md.length || current.buttons.length || current.form) next();
  if (sections.length > SECTION_SLOTS) {
    const extra = sections.splice(SECTION_SLOTS);
    const last = sections[SECTION_SLOTS - 1] as Section;
    // Text still reads in the last slot; what was clickable there cannot be placed, so it is named.
    for (const s of extra) {
      last.md.push(...s.md);
      if (s.buttons.length || s.form) warnings.push("卡片分段超过模板容量，部分按钮或表单未发送");
    }
  }
  return sections;
}

/** The variables for `cardData.cardParamMap`, every slot included. */
export function renderCard(card: CardView): RenderedCard {
  const warnings: string[] = [];
  const sections = sectionsOf(card, warnings);
  const params: CardParamMap = {
    title: cutToBytes(card.header.title, 200),
    subtitle: cutToBytes(card.header.subtitle ?? "", 200),
    tone: card.header.tone ?? "blue",
  };
  for (let i = 1; i <= SECTION_SLOTS; i++) {
    const s = sections[i - 1];
    const md = s?.md.length ? cutToBytes(s.md.join("\n\n"), MAX_TEXT_BYTES) : "";
    params[`s${i}_md`] = md;
    params[`s${i}_show_md`] = String(md !== "");
    params[`s${i}_buttons`] = JSON.stringify(s?.buttons ?? []);
    params[`s${i}_show_buttons`] = String(Boolean(s?.buttons.length));
    params[`s${i}_form`] = JSON.stringify(s?.form?.fields ?? []);
    params[`s${i}_show_form`] = String(Boolean(s?.form));
    params[`s${i}_submit`] = s?.form?.submit ?? "";
    params[`s${i}_submit_action`] = s?.form?.action ?? "";
  }
  const total = Object.entries(params).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
  if (total > MAX_CARD_BYTES) warnings.push(`卡片数据 ${total} 字节，超过 ${MAX_CARD_BYTES} 字节上限`);
  return { params, warnings };
}

/**
 * The HTTP answer to a card callback: DingTalk applies `cardData` for everyone and `userPrivateData`
 * for the clicker (https://open.dingtalk.com/document/development/event-callback-card, 事件回调响应).
 * The toast goes to the clicker's private `toast`/`toast_type`, which the template's buttons show.
 */
export function cardCallbackAnswer(response: CardActionResponse): Record<string, unknown> {
  return {
    ...(response.card ? { cardData: { cardParamMap: renderCard(response.card).params } } : {}),
    userPrivateData: {
      cardParamMap: { toast: response.toast?.text ?? "", toast_type: response.toast?.type ?? "" },
    },
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
  };
}
