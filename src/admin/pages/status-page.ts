import { html } from "hono/html";
import { DELIVERY_STATUSES, isFailed, STATUS, WEBHOOK, WEBHOOK_OUTCOMES } from "../../model/statuses";
import type { EventFilter, EventListItem } from "../../store/admin-queries";
import type { AdminStats, WebhookRow } from "../../store/admin-stats";
import type { RecentRejection } from "../../store/recent-rejections";
import { barChart } from "./charts";
import { type Html, layout, shortTime, statusBadge, storyHref } from "./layout";
import { rejectionsSection } from "./rejections";

export function replayButton(csrf: string, fields: Record<string, string>, label: string): Html {
  return html`<form class="inline" method="post" action="/admin/replay">
<input type="hidden" name="csrf" value="${csrf}">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}
<button type="submit" class="quiet">${label}</button></form>`;
}

function webhookTable(caption: string, rows: WebhookRow[]): Html {
  // A ping is WooCommerce saving its webhook: shown with ignored, both need nothing done.
  const columns = WEBHOOK_OUTCOMES.filter((outcome) => outcome !== WEBHOOK.ping);
  const value = (row: WebhookRow, column: string) =>
    column === WEBHOOK.ignored
      ? (row.webhooks[WEBHOOK.ignored] ?? 0) + (row.webhooks[WEBHOOK.ping] ?? 0)
      : (row.webhooks[column] ?? 0);
  // On a phone each source becomes a card of "outcome: count" lines, like the orders below.
  return html`<div class="scroll cards-wrap"><table class="cards" data-table="webhooks">
<caption class="muted" style="text-align:left">${caption}</caption>
<tr class="head"><th>source</th>${columns.map((c) => html`<th class="n">${c}</th>`)}<th class="n">orders stored</th></tr>
${rows.map(
  (row) =>
    html`<tr><td><strong>${row.source}</strong></td>${columns.map(
      (c) =>
        html`<td class="n" data-label="${c}" data-count="${caption}:${row.source}:${c}">${value(row, c)}</td>`,
    )}<td class="n" data-label="orders stored" data-count="${caption}:${row.source}:events">${row.events}</td></tr>`,
)}
</table></div>`;
}

function searchForm(filter: EventFilter, sources: string[]): Html {
  // A source filtered on that is no longer configured stays a choice, so the page shows what it filters by.
  const choices = filter.source && !sources.includes(filter.source) ? [...sources, filter.source] : sources;
  return html`<form class="search" method="get" action="/admin" role="search">
<input type="search" name="q" placeholder="Order number or id" value="${filter.q ?? ""}" aria-label="Order number or id">
<select name="status" aria-label="Delivery status"><option value="">any status</option>${DELIVERY_STATUSES.map(
    (s) => html`<option value="${s}" ${filter.status === s ? "selected" : ""}>${s}</option>`,
  )}</select>
<select name="source" aria-label="Source"><option value="">any source</option>${choices.map(
    (s) => html`<option value="${s}" ${filter.source === s ? "selected" : ""}>${s}</option>`,
  )}</select>
<button type="submit">Search</button></form>`;
}

function ordersTable(events: EventListItem[], destinations: string[], csrf: string): Html {
  if (events.length === 0) return html`<p class="muted">No order matches.</p>`;
  return html`<div class="scroll cards-wrap"><table class="cards" data-table="orders">
<tr class="head"><th>received</th><th>order</th><th>kind</th><th class="n">value</th>${destinations.map((d) => html`<th>${d}</th>`)}<th></th></tr>
${events.map((e) => {
  const replayable = e.deliveries.some((d) => isFailed(d.status));
  return html`<tr data-event="${e.id}"><td class="reason">${shortTime(e.receivedAt)}</td>
<td><a href="${storyHref(e.id)}">${e.orderNumber ?? e.orderId}</a><div class="reason">${e.source} · ${e.shop}${e.test ? " · test" : ""}</div></td>
<td data-label="kind">${e.kind}</td><td class="n" data-label="value">${e.value ?? ""} ${e.currency ?? ""}</td>
${destinations.map((name) => {
  const d = e.deliveries.find((row) => row.destination === name);
  return html`<td data-label="${name}">${d ? html`${statusBadge(d.status)}${d.reason ? html`<div class="reason">${d.reason}</div>` : ""}` : html`<span class="muted">—</span>`}</td>`;
})}
<td>${replayable ? replayButton(csrf, { eventId: e.id, back: "list" }, "Replay") : ""}</td></tr>`;
})}
</table></div>`;
}

export function statusPage(input: {
  stats: AdminStats;
  events: EventListItem[];
  filter: EventFilter;
  csrf: string;
  notice?: string;
  rejections: Record<string, RecentRejection[]>;
  /** The sources whose settings are complete: the source filter's choices. */
  sources: string[];
}): Html {
  const { stats, events, filter, csrf, notice } = input;
  const destinations = stats.deliveries.map((d) => d.destination);
  const total = (status: string) => stats.deliveries.reduce((sum, d) => sum + (d.counts[status] ?? 0), 0);
  return layout(
    "Status",
    html`<header><h1>tagrelay</h1>
<form method="post" action="/admin/logout" class="inline"><input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="quiet">Sign out</button></form></header>
${notice ? html`<section class="note" role="status">${notice}</section>` : ""}
<section><h2>Webhooks</h2>
${webhookTable("last 24 h", stats.webhooks.last24h)}
${webhookTable("last 7 days", stats.webhooks.last7d)}
<p class="muted">Webhook counts are approximate (kept in memory and written every ~10 s); orders stored are exact.</p></section>
${rejectionsSection(input.rejections)}
<section><h2>Deliveries</h2><div class="charts">
${stats.deliveries.map((d) => html`<div><h3>${d.destination}</h3>${barChart(`${d.destination} deliveries by status`, d.counts)}</div>`)}
</div>
<p>${total(STATUS.failed) ? replayButton(csrf, { status: STATUS.failed }, `Replay all failed (${total(STATUS.failed)})`) : ""}
${total(STATUS.dead) ? replayButton(csrf, { status: STATUS.dead }, `Replay all dead (${total(STATUS.dead)})`) : ""}</p></section>
<section><h2>Orders</h2>${searchForm(filter, input.sources)}
${ordersTable(events, destinations, csrf)}</section>
<p class="muted">Updated ${shortTime(stats.generatedAt)} · <a href="/admin/api/stats">JSON</a> · <a href="/admin/coverage">Coverage: did every order arrive?</a></p>`,
  );
}
