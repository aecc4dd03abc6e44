/**
 * CardView → HTML for the local console, the way the Feishu renderer turns it into card JSON. Everything
 * people typed ends up escaped; buttons and form submits carry their index among the card's actions
 * (memory/adapter.ts cardActions) so the browser's click names exactly one of them.
 */
import { cardActions } from "../memory/adapter.ts";
import type { CardBlock, CardButton, CardInput, CardView } from "../types.ts";

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const safeUrl = (url: string) => (/^https?:\/\//i.test(url) ? url : undefined);

/** The card markdown the views write: **bold**, [text](url), line breaks; everything else as text. */
export function renderMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (all, label: string, url: string) => {
      const href = safeUrl(url.replace(/&amp;/g, "&"));
      return href
        ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>`
        : all;
    })
    .replace(/\n/g, "<br>");
}

function renderButton(b: CardButton, messageId: string, index: number): string {
  const confirm = b.confirm ? ` data-confirm="${escapeHtml(`${b.confirm.title}\n\n${b.confirm.text}`)}"` : "";
  return `<button type="button" class="btn btn-${b.style ?? "default"}" data-msg="${escapeHtml(messageId)}" data-index="${index}" data-action="${escapeHtml(b.value.action ?? "")}"${confirm}>${escapeHtml(b.label)}</button>`;
}

function renderInput(input: CardInput, formId: string): string {
  const id = `${formId}-${input.name}`;
  const label = `<label for="${escapeHtml(id)}">${escapeHtml(input.label)}${input.required ? '<span class="req">*</span>' : ""}</label>`;
  const name = escapeHtml(input.name);
  const required = input.required ? " required" : "";
  if (input.options) {
    const picked = new Set(input.initialValues ?? []);
    if (input.single) {
      const options = input.options
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${picked.has(o.value) ? " selected" : ""}>${escapeHtml(o.label)}</option>`,
        )
        .join("");
      const none =
        picked.size === 0 ? `<option value="">${escapeHtml(input.placeholder ?? "请选择")}</option>` : "";
      return `<div class="input">${label}<select id="${escapeHtml(id)}" name="${name}"${required}>${none}${options}</select></div>`;
    }
    const boxes = input.options
      .map(
        (o) =>
          `<label class="check"><input type="checkbox" name="${name}" value="${escapeHtml(o.value)}"${picked.has(o.value) ? " checked" : ""}> ${escapeHtml(o.label)}</label>`,
      )
      .join("");
    return `<div class="input" data-multi="${name}"><span class="label" id="${escapeHtml(id)}">${escapeHtml(input.label)}${input.required ? '<span class="req">*</span>' : ""}</span>${boxes}</div>`;
  }
  const placeholder = input.placeholder ? ` placeholder="${escapeHtml(input.placeholder)}"` : "";
  const field = input.multiline
    ? `<textarea id="${escapeHtml(id)}" name="${name}" rows="3"${placeholder}${required}>${escapeHtml(input.initial ?? "")}</textarea>`
    : `<input id="${escapeHtml(id)}" name="${name}" value="${escapeHtml(input.initial ?? "")}"${placeholder}${required}>`;
  return `<div class="input">${label}${field}</div>`;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A chart from the spec a Feishu card carries (VChart: `data[0].values`, `xField`, `yField`, `type` line
 * or bar, `direction: "horizontal"`), drawn as a small SVG; anything it cannot read shows as its title.
 */
export function renderChart(title: string, spec: unknown): string {
  const caption = `<div class="chart-title">${escapeHtml(title)}</div>`;
  if (!isObject(spec)) return `<figure class="chart">${caption}<p class="muted">（图表）</p></figure>`;
  const data = Array.isArray(spec.data) ? spec.data[0] : spec.data;
  const values = isObject(data) && Array.isArray(data.values) ? data.values.filter(isObject) : [];
  const horizontal = spec.direction === "horizontal";
  const categoryField = String(horizontal ? spec.yField : spec.xField);
  const valueField = String(horizontal ? spec.xField : spec.yField);
  const points = values
    .map((v) => ({ label: String(v[categoryField] ?? ""), value: Number(v[valueField]) }))
    .filter((p) => Number.isFinite(p.value));
  if (points.length === 0)
    return `<figure class="chart">${caption}<p class="muted">（暂无数据）</p></figure>`;
  const axes = Array.isArray(spec.axes) ? spec.axes.filter(isObject) : [];
  const linear = axes.find((a) => a.type === "linear");
  const band = axes.find((a) => a.type === "band" && Array.isArray(a.domain));
  const categories = band ? (band.domain as Json[]).map(String) : points.map((p) => p.label);
  const max = typeof linear?.max === "number" ? linear.max : Math.max(...points.map((p) => p.value), 1);
  const min = typeof linear?.min === "number" ? linear.min : Math.min(0, ...points.map((p) => p.value));
  const span = max - min || 1;
  const label = (s: string) => escapeHtml(s.length > 8 ? `${s.slice(0, 8)}…` : s);
  if (horizontal) {
    const row = 22;
    const height = points.length * row + 8;
    const bars = points
      .map((p, i) => {
        const w = Math.max(0, ((p.value - min) / span) * 200);
        const y = i * row + 4;
        return `<text x="0" y="${y + 14}" class="axis">${label(p.label)}</text><rect x="110" y="${y + 3}" width="${w.toFixed(1)}" height="14" class="bar"/><text x="${(114 + w).toFixed(1)}" y="${y + 14}" class="val">${p.value}</text>`;
      })
      .join("");
    return `<figure class="chart">${caption}<svg viewBox="0 0 360 ${height}" role="img" aria-label="${escapeHtml(title)}">${bars}</svg></figure>`;
  }
  const width = 340;
  const step = width / Math.max(categories.length, 1);
  const yOf = (v: number) => 130 - ((v - min) / span) * 110;
  const xOf = (l: string) => 30 + step * Math.max(categories.indexOf(l), 0) + step / 2;
  const ticks = categories
    .map((c, i) =>
      i % Math.ceil(categories.length / 6) === 0
        ? `<text x="${(30 + step * i + step / 2).toFixed(1)}" y="148" class="axis" text-anchor="middle">${label(c)}</text>`
        : "",
    )
    .join("");
  const marks =
    spec.type === "bar"
      ? points
          .map(
            (p) =>
              `<rect x="${(xOf(p.label) - step * 0.3).toFixed(1)}" y="${yOf(p.value).toFixed(1)}" width="${(step * 0.6).toFixed(1)}" height="${(130 - yOf(p.value)).toFixed(1)}" class="bar"/>`,
          )
          .join("")
      : `<polyline class="line" points="${points.map((p) => `${xOf(p.label).toFixed(1)},${yOf(p.value).toFixed(1)}`).join(" ")}"/>${points.map((p) => `<circle cx="${xOf(p.label).toFixed(1)}" cy="${yOf(p.value).toFixed(1)}" r="3" class="dot"/>`).join("")}`;
  const values_ = points
    .map(
      (p) =>
        `<text x="${xOf(p.label).toFixed(1)}" y="${(yOf(p.value) - 6).toFixed(1)}" class="val" text-anchor="middle">${p.value}</text>`,
    )
    .join("");
  return `<figure class="chart">${caption}<svg viewBox="0 0 ${width + 40} 156" role="img" aria-label="${escapeHtml(title)}"><line x1="30" y1="130" x2="${width + 30}" y2="130" class="axisline"/><text x="0" y="${yOf(max) + 4}" class="axis">${max}</text><text x="0" y="134" class="axis">${min}</text>${marks}${values_}${ticks}</svg></figure>`;
}

/**
 * A block this renderer does not know yet (a kind added to CardView later): its chart if it carries one
 * (`{ type: "chart", title, spec }` or `{ chart: { title, spec } }`), else its text, else a note.
 */
function renderOther(block: Record<string, unknown>): string {
  const inner = isObject(block.chart) ? (block.chart as Record<string, unknown>) : block;
  if (inner.spec !== undefined) {
    const title = typeof inner.title === "string" ? inner.title : "图表";
    return renderChart(title, inner.spec);
  }
  if (typeof block.text === "string") return `<div class="md">${renderMarkdown(block.text)}</div>`;
  return `<div class="note muted">（本地控制台暂不能显示这部分内容：${escapeHtml(String(block.type))}）</div>`;
}

function renderBlock(block: CardBlock, ctx: { messageId: string; next: () => number }): string {
  switch (block.type) {
    case "markdown":
      return `<div class="md">${renderMarkdown(block.text)}</div>`;
    case "chart":
      // The same VChart spec the Feishu card carries, drawn here; the text fallback under it for reading.
      return `${renderChart(block.title, block.spec)}<div class="note muted">${renderMarkdown(block.fallback)}</div>`;
    case "fields":
      return `<dl class="fields">${block.fields.map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${renderMarkdown(f.value)}</dd></div>`).join("")}</dl>`;
    case "divider":
      return "<hr>";
    case "note":
      return `<div class="note">${renderMarkdown(block.text)}</div>`;
    case "buttons":
      return `<div class="buttons">${block.buttons.map((b) => renderButton(b, ctx.messageId, ctx.next())).join("")}</div>`;
    case "link": {
      const href = safeUrl(block.url);
      return href
        ? `<div class="link"><a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(block.label)}</a></div>`
        : `<div class="link">${escapeHtml(block.label)}：${escapeHtml(block.url)}</div>`;
    }
    case "form": {
      const index = ctx.next();
      const formId = `f-${ctx.messageId}-${index}`;
      return `<form class="card-form" data-msg="${escapeHtml(ctx.messageId)}" data-index="${index}" data-action="${escapeHtml(block.submit.value.action ?? "")}">${block.inputs.map((i) => renderInput(i, formId)).join("")}<button type="submit" class="btn btn-primary">${escapeHtml(block.submit.label)}</button></form>`;
    }
    default:
      return renderOther(block as unknown as Record<string, unknown>);
  }
}

/** The card as the console shows it; `messageId` is what its buttons and forms send back. */
export function renderCardHtml(card: CardView, messageId: string): string {
  let n = 0;
  const ctx = { messageId, next: () => n++ };
  const header = `<header class="card-head tone-${card.header.tone ?? "blue"}"><div class="card-title">${escapeHtml(card.header.title)}</div>${card.header.subtitle ? `<div class="card-sub">${escapeHtml(card.header.subtitle)}</div>` : ""}</header>`;
  const body = card.blocks.map((b) => renderBlock(b, ctx)).join("");
  // The indexes above must be the ones the adapter's click looks up.
  if (n !== cardActions(card).length) throw new Error("card actions and rendered controls disagree");
  return `<article class="card">${header}<div class="card-body">${body}</div></article>`;
}
