import { createServer } from "node:http";

/** Starts a JSON server on a free loopback port; `handle` gets the parsed request and returns [status, body]. */
export async function startJsonServer(handle) {
  const requests = [];
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const request = {
      method: req.method,
      url: new URL(req.url, "http://127.0.0.1"),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const [status, body] = handle(request);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Enough of Shopify's Admin GraphQL API for webhook subscriptions, answered by operation. */
export function fakeShopify(token) {
  const hooks = [];
  let next = 1;
  return (request) => {
    if (request.headers["x-shopify-access-token"] !== token)
      return [401, { errors: "[API] Invalid API key" }];
    if (!/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(request.url.pathname)) return [404, {}];
    const { query, variables } = request.body;
    if (query.includes("webhookSubscriptionCreate")) {
      const hook = {
        id: `gid://shopify/WebhookSubscription/${next++}`,
        topic: variables.topic,
        ...variables.webhookSubscription,
      };
      hooks.push(hook);
      const { format: _format, ...shown } = hook;
      return [200, { data: { webhookSubscriptionCreate: { webhookSubscription: shown, userErrors: [] } } }];
    }
    if (query.includes("webhookSubscriptionDelete")) {
      const index = hooks.findIndex((h) => h.id === variables.id);
      hooks.splice(index, 1);
      return [
        200,
        {
          data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: variables.id, userErrors: [] } },
        },
      ];
    }
    if (query.includes("webhookSubscriptions(first: 100)")) {
      return [
        200,
        {
          data: { webhookSubscriptions: { nodes: hooks.map(({ id, topic, uri }) => ({ id, topic, uri })) } },
        },
      ];
    }
    return [400, { errors: [{ message: "unknown operation" }] }];
  };
}

/** Enough of WooCommerce's /wp-json/wc/v3/webhooks for the register script. */
export function fakeWooCommerce(key, secret) {
  const hooks = [];
  let next = 10;
  const expected = `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
  const handle = (request) => {
    if (request.headers.authorization !== expected) return [401, { code: "woocommerce_rest_cannot_view" }];
    const path = request.url.pathname.replace(/^\/wp-json\/wc\/v3/, "");
    const id = Number(path.split("/")[2]);
    if (request.method === "GET" && path === "/webhooks") {
      const page = Number(request.url.searchParams.get("page") ?? 1);
      const size = Number(request.url.searchParams.get("per_page") ?? 10);
      return [200, hooks.slice((page - 1) * size, page * size)];
    }
    if (request.method === "POST" && path === "/webhooks") {
      const hook = { id: next++, ...request.body };
      hooks.push(hook);
      return [201, hook];
    }
    const hook = hooks.find((h) => h.id === id);
    if (!hook) return [404, { code: "woocommerce_rest_webhook_invalid_id" }];
    if (request.method === "PUT") return [200, Object.assign(hook, request.body)];
    if (request.method === "DELETE") {
      hooks.splice(hooks.indexOf(hook), 1);
      return [200, hook];
    }
    return [405, {}];
  };
  return { handle, hooks };
}
