// `npm run bench`, sections 3 and 4: tagrelay's real fetch and queue code with every binding
// wrapped in a counter. D1 rows come from D1's own `meta` (rows_read / rows_written), so
// they are what the database reports, not a guess. Local use only.
import { app } from "../../src/app";
import { consumeEvents } from "../../src/deliver/consumer";
import { countingD1 } from "./d1";

const zero = () => ({
  kvReads: 0,
  kvWrites: 0,
  kvOther: 0,
  d1RoundTrips: 0,
  d1Statements: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  queueSendCalls: 0,
  queueMessages: 0,
  queueOperations: 0,
  subrequests: 0,
  subrequestsByHost: {} as Record<string, number>,
});
let counts = zero();

const realFetch = globalThis.fetch;
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  counts.subrequests++;
  const host = new URL(input instanceof Request ? input.url : String(input)).host;
  counts.subrequestsByHost[host] = (counts.subrequestsByHost[host] ?? 0) + 1;
  return realFetch(input, init);
};

function countingKv(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (name === "get" || name === "getWithMetadata") counts.kvReads++;
        else if (name === "put") counts.kvWrites++;
        else counts.kvOther++;
        return value.apply(target, args);
      };
    },
  });
}

/** Queues bill one operation per 64 KB of each message (about 100 bytes of metadata included). */
const operationsOf = (body: unknown) => Math.max(1, Math.ceil((JSON.stringify(body).length + 100) / 64_000));

function countingQueue(queue: Queue): Queue {
  return {
    async send(body: unknown, options?: QueueSendOptions) {
      counts.queueSendCalls++;
      counts.queueMessages++;
      counts.queueOperations += operationsOf(body);
      return queue.send(body, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) {
      const list = [...messages];
      counts.queueSendCalls++;
      counts.queueMessages += list.length;
      for (const m of list) counts.queueOperations += operationsOf(m.body);
      return queue.sendBatch(list, options);
    },
    metrics: () => queue.metrics(),
  } as Queue;
}

function countingEnv(env: Env): Env {
  return {
    ...env,
    DEDUPE_KV: countingKv(env.DEDUPE_KV),
    DB: countingD1(env.DB, counts),
    EVENTS_QUEUE: countingQueue(env.EVENTS_QUEUE),
  };
}

/** A batch as the Queue hands it to the consumer, recording what the consumer does with each message. */
function messageBatch(queue: string, eventIds: string[]) {
  const acked: string[] = [];
  const retried: string[] = [];
  const messages = eventIds.map((eventId, i) => ({
    id: `bench-${i}`,
    timestamp: new Date(),
    body: { eventId },
    attempts: 1,
    ack: () => void acked.push(eventId),
    retry: () => void retried.push(eventId),
  }));
  const batch = {
    queue,
    messages,
    ackAll: () => {
      for (const m of messages) m.ack();
    },
    retryAll: () => {
      for (const m of messages) m.retry();
    },
  };
  return { batch: batch as unknown as MessageBatch<unknown>, acked, retried };
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/__bench/reset") {
      counts = zero();
      return Response.json({ ok: true });
    }
    if (pathname === "/__bench/counts") return Response.json(counts);
    if (pathname === "/__bench/consume") {
      const { eventIds } = await request.json<{ eventIds: string[] }>();
      const { batch, acked, retried } = messageBatch("tagrelay-events", eventIds);
      const started = Date.now();
      await consumeEvents(batch, countingEnv(env));
      return Response.json({ acked: acked.length, retried: retried.length, ms: Date.now() - started });
    }
    // waitUntil work (the KV put, the stats flush) is awaited before answering, so it is counted.
    const pending: Promise<unknown>[] = [];
    const counted = {
      waitUntil: (p: Promise<unknown>) => void pending.push(p),
      passThroughOnException: () => ctx.passThroughOnException(),
      props: {},
    } as unknown as ExecutionContext;
    const response = await app.fetch(request, countingEnv(env), counted);
    await Promise.allSettled(pending);
    return response;
  },
} satisfies ExportedHandler<Env>;
