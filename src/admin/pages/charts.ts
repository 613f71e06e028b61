import { html } from "hono/html";
import { type DeliveryStatus, STATUS } from "../../model/statuses";
import type { Html } from "./layout";

const COLORS: Record<DeliveryStatus, string> = {
  [STATUS.sent]: "#34a853",
  [STATUS.sending]: "#fbbc04",
  [STATUS.retrying]: "#f29900",
  [STATUS.failed]: "#d93025",
  [STATUS.dead]: "#a50e0e",
  [STATUS.skipped]: "#9aa0a6",
  [STATUS.expired]: "#80868b",
  [STATUS["dry-run"]]: "#4285f4",
};

/** A hand-written horizontal bar chart: one labelled bar per status, scaled to the largest. */
export function barChart(title: string, counts: Record<string, number>): Html {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const row = 22;
  const height = entries.length * row + 6;
  const bars = entries.map(([label, n], i) => {
    const y = 3 + i * row;
    const width = Math.round((n / max) * 170);
    return html`<text x="0" y="${y + 14}" font-size="12">${label}</text>
<rect x="70" y="${y + 3}" width="${width}" height="14" rx="2" fill="${COLORS[label as DeliveryStatus] ?? "#5f6b7a"}"></rect>
<text x="${74 + width}" y="${y + 14}" font-size="12">${n}</text>`;
  });
  return html`<svg role="img" aria-label="${title}" viewBox="0 0 290 ${height}" width="100%" style="max-width:420px" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${bars}</svg>`;
}
