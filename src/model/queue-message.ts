import * as z from "zod";

/**
 * What the events Queue carries: the event's id, never the event. The event lives in its D1
 * outbox row, so a message stays far below the Queue's 128 KB however many lines an order has.
 */
export const QueueMessage = z.object({ eventId: z.string().min(1) });
export type QueueMessage = z.infer<typeof QueueMessage>;

/** The send request for one event: ingest, the sweep and a replay enqueue exactly this. */
export const queueMessageOf = (eventId: string): MessageSendRequest<QueueMessage> => ({ body: { eventId } });
