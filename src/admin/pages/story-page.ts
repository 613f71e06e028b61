import { html } from "hono/html";
import { isReplayable, STATUS } from "../../model/statuses";
import type { EventStory, EventSummary } from "../../store/admin-queries";
import { exchangesSection } from "./exchanges";
import { type Html, layout, shortTime, statusBadge } from "./layout";
import { replayButton } from "./status-page";

function orderRows(s: EventSummary): Html {
  return html`<dt>kind</dt><dd>${s.kind}${s.refund ? ` (${s.refund.full ? "full" : "partial"} refund ${s.refund.id})` : ""}</dd>
<dt>order id</dt><dd>${s.orderId}</dd>
<dt>value</dt><dd>${s.value} ${s.currency} · ${s.items} line(s)</dd>
<dt>placed</dt><dd>${shortTime(s.occurredAt)}</dd>`;
}

function shopRows(s: EventSummary): Html {
  const consent = Object.entries(s.consent).map(([k, v]) => `${k}: ${v}`);
  const attribution = Object.entries(s.attribution).flatMap(([k, present]) => (present ? [k] : []));
  return html`<dt>shop</dt><dd>${s.source} · ${s.shop} · ${s.channel}</dd>
<dt>test order</dt><dd>${s.test ? "yes" : "no"}</dd>
<dt>consent</dt><dd>${consent.length ? consent.join(", ") : "not given by the shop"}</dd>
<dt>attribution</dt><dd>${attribution.length ? attribution.join(", ") : "none"}</dd>
<dt>client id</dt><dd>${s.gaClientId.source === "captured" ? "captured" : `fallback (${s.gaClientId.reason})`}</dd>`;
}

export function storyPage(story: EventStory, csrf: string, notice?: string): Html {
  const replayable = story.deliveries.some((d) => isReplayable(d.status));
  const title = story.summary
    ? `Order ${story.summary.orderNumber ?? story.summary.orderId}`
    : "Unreadable event";
  return layout(
    title,
    html`<header><h1>${title}</h1><a href="/admin">← all orders</a></header>
${notice ? html`<section class="note" role="status">${notice}</section>` : ""}
<section><dl>
<dt>event</dt><dd>${story.id}</dd>
${story.summary ? orderRows(story.summary) : html`<dt>problem</dt><dd>stored event unreadable: ${story.problem}</dd>`}
<dt>received</dt><dd>${shortTime(story.receivedAt)}</dd>
<dt>webhook</dt><dd>${
      story.recoveredAt
        ? `no webhook received; found by reconciliation at ${shortTime(story.recoveredAt)}`
        : `${story.webhook.topic ?? "?"} · id ${story.webhook.webhookId ?? "?"}`
    }</dd>
${story.summary ? shopRows(story.summary) : ""}
${story.enqueueError ? html`<dt>queue</dt><dd>not queued yet: ${story.enqueueError}</dd>` : ""}
</dl></section>
<section><h2>Destinations</h2>
${
  story.deliveries.length === 0
    ? html`<p class="muted">No delivery yet: no destination is enabled, or the consumer has not run.</p>`
    : html`<div class="scroll cards-wrap"><table class="cards" data-table="deliveries">
<tr class="head"><th>destination</th><th>status</th><th class="n">attempts</th><th class="n">HTTP</th><th>reason</th><th>first try</th><th>last change</th><th>next try</th></tr>
${story.deliveries.map(
  (
    d,
  ) => html`<tr data-destination="${d.destination}"><td><strong>${d.destination}</strong></td><td>${statusBadge(d.status)}</td>
<td class="n" data-label="attempts">${d.attempts}</td><td class="n" data-label="HTTP">${d.status === STATUS["dry-run"] ? "not sent" : (d.lastHttpStatus ?? "")}</td><td class="reason">${d.reason ?? ""}</td>
<td data-label="first try">${shortTime(d.createdAt)}</td><td data-label="last change">${shortTime(d.updatedAt)}</td><td data-label="next try">${shortTime(d.nextAttemptAt)}</td></tr>`,
)}
</table></div>`
}
<p>${replayable ? replayButton(csrf, { eventId: story.id }, "Replay what was not sent") : ""}
<a href="/admin/api/events/${encodeURIComponent(story.id)}">JSON</a></p></section>
${exchangesSection(story)}`,
  );
}
