import { html } from "hono/html";
import { EXCHANGE_LIMITS, type Exchange } from "../../model/ledger";
import type { EventStory } from "../../store/admin-queries";
import { type Html, shortTime } from "./layout";

/** A kept body, indented when it is whole JSON (a body cut at the size cap is shown as it is). */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function answerLine(x: Exchange): string {
  if (!x.sent) return "not sent (dry run)";
  if (x.status === null) return `no answer: ${x.error ?? "unknown"}`;
  return `HTTP ${x.status}`;
}

function exchangeBlock(x: Exchange, open: boolean): Html {
  return html`<details data-attempt="${x.attempt}"${open ? html` open` : ""}>
<summary>attempt ${x.attempt} · ${shortTime(x.at)} · <strong data-answer-status>${answerLine(x)}</strong></summary>
<h4>Request body${x.sent ? "" : " (what would have been sent)"}</h4><pre data-request>${pretty(x.request)}</pre>
${x.sent ? html`<h4>Answer</h4><pre data-answer>${x.answer === null ? "(none)" : x.answer === "" ? "(empty body)" : pretty(x.answer)}</pre>` : ""}
</details>`;
}

/**
 * What each destination was sent for the order and what it answered, attempt by attempt (the last
 * few kept in the ledger): credentials, the client's IP and user agent redacted; personal data in
 * the bodies is already hashed. The latest attempt is open.
 */
export function exchangesSection(story: Pick<EventStory, "deliveries">): Html {
  const withExchanges = story.deliveries.filter((d) => d.exchanges.length > 0);
  if (withExchanges.length === 0) return html``;
  return html`<section data-section="exchanges"><h2>What was sent</h2>
<p class="muted">Per destination and attempt: the request body (secrets, IP address and user agent redacted; customer data is hashed) and the first ${EXCHANGE_LIMITS.answer} characters of the platform's answer.</p>
${withExchanges.map(
  (d) => html`<article data-exchanges="${d.destination}"><h3>${d.destination}</h3>
${d.exchanges.map((x, i) => exchangeBlock(x, i === d.exchanges.length - 1))}</article>`,
)}
</section>`;
}
