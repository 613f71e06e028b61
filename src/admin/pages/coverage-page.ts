import { html } from "hono/html";
import type { CoverageDay, CoverageReport } from "../../reconcile/coverage";
import type { UncoveredOrder } from "../../store/coverage";
import { type Html, layout, shortTime, statusBadge, storyHref } from "./layout";

const drillHref = (row: CoverageDay) =>
  `/admin/coverage/${encodeURIComponent(row.source)}/${encodeURIComponent(row.day)}`;

const shown = (coverage: number | null) => (coverage === null ? "—" : `${coverage}%`);

/**
 * Coverage per day as bars, one chart per source: full height is 100 %, the dashed line is the
 * threshold, a bar below it is red. Inline SVG: the admin's CSP runs no script.
 */
function coverageChart(source: string, rows: CoverageDay[], threshold: number): Html {
  const days = [...rows].sort((a, b) => a.day.localeCompare(b.day));
  const bar = 18;
  const width = Math.max(1, days.length) * (bar + 6) + 36;
  const height = 130;
  const top = 10;
  const scale = 100;
  const y = (p: number) => top + scale - p;
  const bars = days.map((row, i) => {
    const x = 32 + i * (bar + 6);
    const p = row.coverage ?? 0;
    const low = row.coverage !== null && row.coverage < threshold;
    return html`<rect x="${x}" y="${y(p)}" width="${bar}" height="${p}" fill="${low ? "#d93025" : "#34a853"}"><title>${row.day}: ${shown(row.coverage)}</title></rect>
<text x="${x + bar / 2}" y="${top + scale + 14}" font-size="9" text-anchor="middle">${row.day.slice(5)}</text>`;
  });
  return html`<svg role="img" aria-label="${source} coverage per day" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width * 2}px" xmlns="http://www.w3.org/2000/svg"><title>${source} coverage per day</title>
<text x="0" y="${y(100) + 4}" font-size="9">100%</text><text x="0" y="${y(threshold) + 4}" font-size="9">${threshold}%</text>
<line x1="30" x2="${width}" y1="${y(threshold)}" y2="${y(threshold)}" stroke="#5f6b7a" stroke-dasharray="3 3"></line>${bars}</svg>`;
}

function sourcesTable(report: CoverageReport): Html {
  return html`<div class="scroll"><table>
<tr><th>source</th><th>reconciled</th><th>listing since</th><th>listed up to</th><th>last caught up</th><th>last problem</th></tr>
${report.sources.map(
  (
    s,
  ) => html`<tr data-source="${s.source}"><td>${s.source}${s.shop ? html`<div class="reason">${s.shop}</div>` : ""}</td>
<td>${s.reconciled ? "yes" : html`no<div class="reason">${s.reason ?? ""}</div>`}</td>
<td>${shortTime(s.startedAt ?? null)}</td><td>${shortTime(s.watermark ?? null)}</td><td>${shortTime(s.caughtUpAt ?? null)}</td>
<td class="reason">${s.lastError ?? ""}</td></tr>`,
)}
</table></div>`;
}

function destinationCell(row: CoverageDay, destination: string): Html {
  const d = row.destinations[destination];
  if (!d) return html`<td class="muted">—</td>`;
  const reasons = Object.entries(d.skippedReasons).map(([reason, n]) => `${n} × ${reason}`);
  return html`<td class="n" data-count="${row.source}:${row.day}:${destination}">sent ${d.sent} · skipped ${d.skipped}${
    d.failed + d.dead + d.expired + d.pending
      ? html`<div class="reason">failed ${d.failed} · dead ${d.dead} · expired ${d.expired} · pending ${d.pending}</div>`
      : ""
  }${reasons.length ? html`<div class="reason">${reasons.join("; ")}</div>` : ""}</td>`;
}

function daysTable(report: CoverageReport): Html {
  if (report.days.length === 0) {
    return html`<p class="muted">No order listed yet: the coverage needs a source with API settings and one reconciliation run.</p>`;
  }
  return html`<div class="scroll"><table>
<tr><th>day</th><th>source</th><th class="n">shop orders</th><th class="n">conversions</th><th class="n">by webhook</th><th class="n">by reconciliation</th><th class="n">not stored</th>${report.destinations.map((d) => html`<th class="n">${d}</th>`)}<th class="n">coverage</th></tr>
${report.days.map((row) => {
  const low = row.coverage !== null && row.coverage < report.threshold;
  return html`<tr data-day="${row.day}" data-source="${row.source}"><td>${row.day}</td><td>${row.source}</td>
<td class="n">${row.shopOrders}</td><td class="n">${row.conversions}</td><td class="n">${row.stored.byWebhook}</td>
<td class="n">${row.stored.byReconciliation}</td><td class="n">${row.missing}</td>
${report.destinations.map((d) => destinationCell(row, d))}
<td class="n" data-coverage="${row.source}:${row.day}">${low ? statusBadge("failed") : ""} ${shown(row.coverage)}${
    row.covered < row.conversions
      ? html`<div><a href="${drillHref(row)}">${row.conversions - row.covered} not covered</a></div>`
      : ""
  }</td></tr>`;
})}
</table></div>`;
}

export function coveragePage(report: CoverageReport, csrf: string, notice?: string): Html {
  const sources = [...new Set(report.days.map((d) => d.source))];
  return layout(
    "Coverage",
    html`<header><h1>Coverage</h1><a href="/admin">← status</a></header>
${notice ? html`<section class="note" role="status">${notice}</section>` : ""}
<section><p>Of the orders each shop's own API lists, the share every destination received or skipped on purpose
(test orders, consent, refund policy). Days are UTC, by when the order was placed; the alert looks at
${report.lastCompleteDay} and fires below ${report.threshold}%.</p>
<form method="post" action="/admin/reconcile" class="inline"><input type="hidden" name="csrf" value="${csrf}">
<button type="submit">Reconcile now</button></form></section>
<section><h2>Sources</h2>${sourcesTable(report)}</section>
${
  sources.length
    ? html`<section><h2>Per day</h2><div class="charts">${sources.map(
        (s) =>
          html`<div><h3>${s}</h3>${coverageChart(
            s,
            report.days.filter((d) => d.source === s),
            report.threshold,
          )}</div>`,
      )}</div></section>`
    : ""
}
<section><h2>Orders</h2>${daysTable(report)}</section>
<p class="muted">Updated ${shortTime(report.generatedAt)} · <a href="/admin/api/coverage">JSON</a></p>`,
  );
}

function storedAs(order: UncoveredOrder): string {
  if (!order.stored) return "not stored: no webhook, and reconciliation did not store it";
  return order.recoveredAt ? `recovered by reconciliation ${shortTime(order.recoveredAt)}` : "by webhook";
}

export function uncoveredPage(
  source: string,
  day: string,
  destinations: string[],
  orders: UncoveredOrder[],
): Html {
  return layout(
    `Not covered: ${source} ${day}`,
    html`<header><h1>Not covered: ${source}, ${day}</h1><a href="/admin/coverage">← coverage</a></header>
<section>${
      orders.length === 0
        ? html`<p class="muted">Every order of that day is covered.</p>`
        : html`<div class="scroll"><table>
<tr><th>order</th><th>placed</th><th>stored</th>${destinations.map((d) => html`<th>${d}</th>`)}<th>note</th></tr>
${orders.map(
  (
    o,
  ) => html`<tr data-order="${o.orderId}"><td>${o.stored ? html`<a href="${storyHref(o.eventId)}">${o.orderId}</a>` : o.orderId}</td>
<td>${shortTime(o.placedAt)}</td><td class="reason">${storedAs(o)}</td>
${destinations.map((d) => {
  const entry = o.ledger[d];
  return html`<td>${entry ? html`${statusBadge(entry.status)}${entry.reason ? html`<div class="reason">${entry.reason}</div>` : ""}` : html`<span class="muted">—</span>`}</td>`;
})}
<td class="reason">${o.note ?? ""}</td></tr>`,
)}
</table></div>`
    }</section>`,
  );
}
