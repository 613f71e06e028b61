import { html } from "hono/html";
import type { RecentRejection } from "../../store/recent-rejections";
import { type Html, shortTime } from "./layout";

function rejectionItem(r: RecentRejection): Html {
  const claimed = [r.shop, r.topic, r.webhookId ? `webhook ${r.webhookId}` : undefined]
    .filter(Boolean)
    .join(" · ");
  return html`<li data-rejection><span class="s s-failed">${r.status}</span> ${r.reason}${r.detail ? html`: ${r.detail}` : ""}
<div class="reason">${shortTime(r.at)}${claimed ? html` · ${r.claimed ? "claimed (unverified)" : "from"} ${claimed}` : ""}</div>
${r.hint ? html`<div class="hint">${r.hint}</div>` : ""}</li>`;
}

/**
 * The last webhooks each source refused, as this isolate saw them (src/store/recent-rejections.ts):
 * what was wrong and what to check.
 */
export function rejectionsSection(bySource: Record<string, RecentRejection[]>): Html {
  const sources = Object.entries(bySource).filter(([, list]) => list.length > 0);
  return html`<section><h2>Last rejections</h2>
${
  sources.length === 0
    ? html`<p class="muted">None seen by the Worker instance serving this page.</p>`
    : sources.map(
        ([source, list]) =>
          html`<h3>${source}</h3><ul class="rejections" data-source="${source}">${list.map(rejectionItem)}</ul>`,
      )
}
<p class="muted">As seen by the Worker instance serving this page (kept in its memory, the last 10 per source): other
instances and locations keep their own. <code>wrangler tail</code> shows every refusal.</p></section>`;
}
