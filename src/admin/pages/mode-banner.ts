import { html } from "hono/html";
import type { Html } from "./layout";

/** The banner at the top of every admin page while conversions are not going out as real ones. */
export function modeBanner(notices: string[]): Html | "" {
  if (notices.length === 0) return "";
  return html`<section class="mode" role="note" data-banner="mode"><strong>Not counting as real conversions:</strong>
<ul>${notices.map((n) => html`<li>${n}</li>`)}</ul></section>`;
}
