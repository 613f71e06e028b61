import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { CARDS_STYLE } from "./cards-style";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d232b;background:#f5f6f8}
main{max-width:1100px;margin:0 auto;padding:12px}header{display:flex;gap:8px;align-items:center;justify-content:space-between;flex-wrap:wrap}
h1{font-size:1.25rem;margin:.4rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}a{color:#0b57d0}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 12px;margin:10px 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #eceef1;vertical-align:top}th{font-weight:600;color:#4a5563}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.s{display:inline-block;padding:0 6px;border-radius:9px;font-size:.8rem;background:#e8eaed}
.s-sent{background:#d6f5df}.s-failed,.s-dead{background:#fbd9d7}.s-retrying,.s-sending{background:#fdf0c4}.s-dry-run{background:#dfe8fd}
.reason{color:#5f6b7a;font-size:.8rem;word-break:break-word}
form.inline{display:inline}input,select,button{font:inherit;padding:6px 8px;border:1px solid #b9c0c9;border-radius:6px;background:#fff}
button{background:#0b57d0;color:#fff;border-color:#0b57d0;cursor:pointer}button.quiet{background:#fff;color:#0b57d0}
.search{display:flex;gap:6px;flex-wrap:wrap}.search input[type=search]{flex:1 1 160px}
.note{background:#e6f4ea;border-color:#b7dfc2}.muted{color:#5f6b7a}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}dt{color:#4a5563}dd{margin:0;word-break:break-word}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:10px}
`;

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · tagrelay</title>
<style>${raw(STYLE + CARDS_STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function statusBadge(status: string): Html {
  return html`<span class="s s-${status}">${status}</span>`;
}

/** A link to one event's story; the id holds `:` and dots, so it is encoded. */
export function storyHref(eventId: string): string {
  return `/admin/events/${encodeURIComponent(eventId)}`;
}

/** `2026-04-20T12:00:00.000Z` → `2026-04-20 12:00:00Z` */
export function shortTime(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}
