/** 贯彻落实措施 typed one per line as "内容 — 责任人" (or 内容（责任人：张三）). Pure. */
export interface MeasureLine {
  content: string;
  owner: string | undefined;
}

export function parseMeasures(text: string): MeasureLine[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(\d+[.、)]|[-*·•])\s*/, "").trim())
    .filter(Boolean)
    .map((line) => {
      const tagged = /^(.*?)[（(]\s*责任人[:：]\s*([^）)]+)[）)]\s*$/.exec(line);
      if (tagged) return { content: (tagged[1] ?? "").trim(), owner: tagged[2]?.trim() };
      const split = /^(.*\S)\s*(?:——|—|--|–|\s-\s|责任人[:：])\s*([^\s—–-]{2,8})$/.exec(line);
      if (split) return { content: (split[1] ?? "").trim(), owner: split[2]?.trim() };
      return { content: line, owner: undefined };
    });
}
