import { html } from "hono/html";
import { COVERED, type IdentifierDay } from "../identifier-coverage";
import { type Html, layout } from "./layout";

const LABELS: Record<(typeof COVERED)[number], string> = {
  gaClientId: "GA client id",
  gaSessionId: "GA session id",
  fbp: "fbp",
  fbc: "fbc",
  clickId: "any click id",
  ipAndUserAgent: "IP + user agent",
  hashedEmail: "hashed e-mail",
};

/** Identifier coverage: per day and source, each identifier's share of purchases and where it came from. */
export function identifiersPage(days: IdentifierDay[]): Html {
  return layout(
    "Identifiers",
    html`<h1>Identifiers</h1>
<p class="muted">Of each day's purchases, the share that carried each identifier, and from where: the order's own
fields, the checkout pixel (<a href="/admin/pixel">paste it</a>), or a fallback (a GA client id derived from the order,
an fbc built from an fbclid). A derived client id keeps GA4's revenue Unassigned; the pixel's share is what moves it.</p>
${
  days.length === 0
    ? html`<p>No purchases in the window yet.</p>`
    : html`<div class="scroll"><table>
<tr><th>day</th><th>source</th><th>purchases</th>${COVERED.map((c) => html`<th>${LABELS[c]}</th>`)}</tr>
${days.map(
  (d) =>
    html`<tr><td>${d.day}</td><td>${d.source}</td><td>${d.purchases}</td>${COVERED.map((c) => {
      const s = d.identifiers[c];
      return html`<td>${s.percent}%<br><span class="muted">order ${s.order} · pixel ${s.pixel} · fallback ${s.fallback}</span></td>`;
    })}</tr>`,
)}
</table></div>`
}`,
  );
}

/** The checkout pixel and the WooCommerce snippet, ready to paste. */
export function pixelPage(scripts: { shopify: string; woocommerce: string } | undefined): Html {
  return layout(
    "Checkout pixel",
    html`<h1>Checkout pixel</h1>
<p>Shopify admin → Settings → Customer events → <b>Add custom pixel</b>: paste all of this, Permission
<i>Not required</i>, Save, Connect (docs/attribution.md, "The checkout pixel"). It is also served at <code>/pixel.js</code>.</p>
<pre class="card" style="white-space:pre-wrap;overflow-x:auto">${scripts?.shopify ?? ""}</pre>
<h2>WooCommerce thank-you page</h2>
<p>Load <code>/collect/woocommerce.js</code> on the order-received page only:</p>
<pre class="card" style="white-space:pre-wrap;overflow-x:auto">${scripts?.woocommerce ?? ""}</pre>`,
  );
}
