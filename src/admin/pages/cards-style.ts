/**
 * Written into the page as it is (constant text, never escaped: `"` must stay a quote). Styles of
 * the admin's later parts: the mode banner, the settings problems, the rejection hints, the
 * story's requests and answers (wrapped, never scrolling sideways),
 * and the tables that turn into one card per row on a phone (`table.cards`, each cell labelled by
 * its `data-label`), so nothing needs sideways scrolling at 390 px.
 */
export const CARDS_STYLE = `
.mode{background:#fff4ce;border-color:#f0d37a}.mode ul,.problem ul{margin:.3rem 0 0;padding-left:1.2rem}
.problem{background:#fce8e6;border-color:#f4b6b0}code{font-size:.9em;background:#eef0f3;padding:0 3px;border-radius:3px;word-break:break-word}
.hint{font-size:.85rem;background:#f5f6f8;border-left:3px solid #0b57d0;padding:2px 6px;margin-top:3px;word-break:break-word}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:#f5f6f8;border:1px solid #eceef1;border-radius:6px;padding:6px 8px;margin:.2rem 0 .6rem;max-height:24rem;overflow-y:auto}
details{border-top:1px solid #eceef1;padding:4px 0}summary{cursor:pointer}h3{font-size:.95rem;margin:.6rem 0 .2rem}h4{font-size:.85rem;margin:.4rem 0 .1rem;color:#4a5563}
ul.rejections{list-style:none;padding:0;margin:0}ul.rejections li{padding:6px 0;border-bottom:1px solid #eceef1;word-break:break-word}
@media (max-width:640px){
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards tr.head{display:none}
table.cards tr{border:1px solid #dde1e6;border-radius:8px;margin:0 0 8px;padding:6px 10px;background:#fff}
table.cards td{border:0;padding:2px 0;text-align:left;overflow-wrap:anywhere}
table.cards td.n{text-align:left}
table.cards td[data-label]::before{content:attr(data-label) ": ";color:#4a5563;font-weight:600}
table.cards td:empty{display:none}
table.cards .reason{font-size:.85rem;line-height:1.4}
.scroll.cards-wrap{overflow-x:visible}
}
`;
