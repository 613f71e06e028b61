import { html } from "hono/html";
import { type Html, layout } from "./layout";

/** `DESTINATIONS_MODE: Invalid option…` → the setting's name and what is wrong with it. */
function splitProblem(problem: string): { name: string; what: string } {
  const colon = problem.indexOf(": ");
  return colon > 0
    ? { name: problem.slice(0, colon), what: problem.slice(colon + 2) }
    : { name: "", what: problem };
}

/** What the admin shows while the settings are invalid: each problem by setting, and where to fix it. */
export function misconfiguredPage(problems: string[], csrf: string): Html {
  return layout(
    "Settings need fixing",
    html`<header><h1>tagrelay: settings need fixing</h1>
<form method="post" action="/admin/logout" class="inline"><input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="quiet">Sign out</button></form></header>
<section class="problem" role="alert"><p>These settings are invalid, so the relay does nothing until they are fixed:
every webhook is answered 503 and no conversion is sent.</p>
<ul>${problems.map((p) => {
      const { name, what } = splitProblem(p);
      return html`<li>${name ? html`<code>${name}</code>: ` : ""}${what}</li>`;
    })}</ul></section>
<section><h2>Where to fix them</h2>
<p>Deployed: <code>npx wrangler secret put NAME</code> (or the <code>[vars]</code> table of <code>wrangler.toml</code>, then
<code>npm run deploy</code>). Locally: <code>.dev.vars</code>, then restart <code>npm start</code>. A blank setting takes its
default (README, "Configuration").</p>
<p>Shopify sends a webhook answered 503 again, 8 times over 4 hours. WooCommerce does not retry, and disables a webhook
after more than 5 failures in a row: once fixed, set it back to Active (docs/woocommerce.md).</p></section>`,
  );
}
