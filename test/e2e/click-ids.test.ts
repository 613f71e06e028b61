import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { eventStory } from "../../src/store/admin-queries";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, recordingQueue, shopifyRequest } from "../helpers";

/** The ad platforms' ids from a signed webhook to the stored event, read back from D1 (nothing delivered). */

async function store(request: Request): Promise<void> {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

async function storedAttribution(eventId: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(eventId)
    .first<{ payload: string }>();
  if (!row) throw new Error(`${eventId} is not stored`);
  return (JSON.parse(row.payload) as { attribution: Record<string, unknown> }).attribution;
}

describe("click ids end to end: webhook → stored event", () => {
  it("Shopify: the snippet's note_attributes, then landing_site for the ids none carries", async () => {
    const id = "9400000000000000001";
    const order = {
      ...shopifyOrder({ id, createdAt: new Date().toISOString() }),
      note_attributes: [
        { name: "_tr_gclid", value: "EAIa_snippet" },
        { name: "_tr_gbraid", value: "0AAAAAD_gb" },
        { name: "_tr_ttclid", value: "E.C.P.tt_snippet" },
        { name: "_tr_ttp", value: "01K1A8BXG7CFS8QC92XKKJD081_.tt.1" },
        { name: "_tr_epik", value: "dj0yJnU9epik" },
        { name: "_tr_scid", value: "e34d7eea-bd50-4164-862b-325f48b7245b" },
        { name: "_tr_rdt_uuid", value: "1676347848701.70269df5-4a9b-4791-8503-90e836217254" },
        { name: "_tr_msclkid", value: "b4458f42c1b214060f81e89d7a9da3bb" },
        // Not an id: dropped, and the landing URL's rdt_cid is used instead.
        { name: "_tr_rdt_cid", value: "<script>alert(1)</script>" },
      ],
      landing_site: "/products/tee?gclid=EAIa_landing&wbraid=WB_landing&ScCid=SC_landing&rdt_cid=RD_landing",
    };
    await store(await shopifyRequest(order));
    expect(await storedAttribution(`shopify:${SHOP}:purchase:${id}`)).toEqual({
      gclid: "EAIa_snippet",
      gbraid: "0AAAAAD_gb",
      wbraid: "WB_landing",
      ttclid: "E.C.P.tt_snippet",
      ttp: "01K1A8BXG7CFS8QC92XKKJD081_.tt.1",
      epik: "dj0yJnU9epik",
      scClickId: "SC_landing",
      scid: "e34d7eea-bd50-4164-862b-325f48b7245b",
      rdtCid: "RD_landing",
      rdtUuid: "1676347848701.70269df5-4a9b-4791-8503-90e836217254",
      msclkid: "b4458f42c1b214060f81e89d7a9da3bb",
      landingUrl: `https://${SHOP}/products/tee?gclid=EAIa_landing&wbraid=WB_landing&ScCid=SC_landing&rdt_cid=RD_landing`,
    });
    // The order's story in /admin says which ids it carried, never their values.
    const story = await eventStory(env.DB, `shopify:${SHOP}:purchase:${id}`);
    expect(story?.summary?.attribution).toMatchObject({
      gclid: true,
      ttp: true,
      rdtUuid: true,
      msclkid: true,
    });
    expect(JSON.stringify(story)).not.toContain("01K1A8BXG7CFS8QC92XKKJD081");
  });

  it("Shopify: raw platform cookies another tool copied into note_attributes are reduced to the ids", async () => {
    const id = "9400000000000000002";
    const order = {
      ...shopifyOrder({ id, createdAt: new Date().toISOString() }),
      note_attributes: [
        { name: "_gcl_aw", value: "GCL.1676348385.CjwKCAiA_aw" },
        { name: "_uetmsclkid", value: "_uetde75ae184597150d5b6ac93cd9bc909f" },
        { name: "_rdt_uuid", value: "1762075874081.ee3d8dd2-22ed-4ff4-a0de-5fdbf3d06761" },
      ],
      landing_site: "/",
    };
    await store(await shopifyRequest(order));
    expect(await storedAttribution(`shopify:${SHOP}:purchase:${id}`)).toEqual({
      gclid: "CjwKCAiA_aw",
      msclkid: "de75ae184597150d5b6ac93cd9bc909f",
      rdtUuid: "1762075874081.ee3d8dd2-22ed-4ff4-a0de-5fdbf3d06761",
      landingUrl: `https://${SHOP}/`,
    });
  });

  it("WooCommerce: cookies a tracking plugin stored as order meta, then Order Attribution's landing URL", async () => {
    const id = 9401;
    const order = wooOrder({ id });
    order.meta_data = [
      {
        id: 1,
        key: "_wc_order_attribution_session_entry",
        value:
          "https://shop.example/product/blue-mug/?utm_source=tiktok&ttclid=E.C.P.tt_landing&msclkid=MS_landing&gbraid=GB_landing",
      },
      { id: 2, key: "_gcl_aw", value: "GCL.1700000000.EAIa_cookie" },
      { id: 3, key: "_ttp", value: "KsD1j70yQE35rPrmL8O1Mz0Zg1-" },
      { id: 4, key: "_epik", value: "dj0yJnU9cookie" },
      { id: 5, key: "_scid", value: "9LVd1yPd6f1KSk8K_0gppcjKGVzfLCFX" },
      { id: 6, key: "_rdt_uuid", value: "1676347848701.70269df5-4a9b-4791-8503-90e836217254" },
      { id: 7, key: "_uetmsclkid", value: "_uetb4458f42c1b214060f81e89d7a9da3bb" },
    ];
    await store(await wooRequest(order));
    expect(await storedAttribution(`woocommerce:${WOO_SHOP}:purchase:${id}`)).toEqual({
      gclid: "EAIa_cookie",
      gbraid: "GB_landing",
      ttclid: "E.C.P.tt_landing",
      ttp: "KsD1j70yQE35rPrmL8O1Mz0Zg1-",
      epik: "dj0yJnU9cookie",
      scid: "9LVd1yPd6f1KSk8K_0gppcjKGVzfLCFX",
      rdtUuid: "1676347848701.70269df5-4a9b-4791-8503-90e836217254",
      // The cookie holds the id of the same visit: it comes first, the landing URL is the fallback.
      msclkid: "b4458f42c1b214060f81e89d7a9da3bb",
      landingUrl:
        "https://shop.example/product/blue-mug/?utm_source=tiktok&ttclid=E.C.P.tt_landing&msclkid=MS_landing&gbraid=GB_landing",
    });
  });
});
