import type { HttpAnswer } from "./http";

/** One part of a batch as it was finally sent, with the platform's answer to it. */
export type SentPart<T> = { part: readonly T[]; answer: HttpAnswer };

/**
 * Sends a batch in one request. When the platform refuses the whole request because of one bad
 * event (`rejectsAnEvent`), each half is sent again, down to single events, so the bad one fails
 * alone and the rest still arrive: a batch of n costs one request when every event is good.
 */
export async function sendSplittingOnRejection<T>(
  batch: readonly T[],
  send: (part: readonly T[]) => Promise<HttpAnswer>,
  rejectsAnEvent: (answer: HttpAnswer) => boolean,
): Promise<SentPart<T>[]> {
  const answer = await send(batch);
  if (batch.length < 2 || !rejectsAnEvent(answer)) return [{ part: batch, answer }];
  const half = Math.ceil(batch.length / 2);
  return [
    ...(await sendSplittingOnRejection(batch.slice(0, half), send, rejectsAnEvent)),
    ...(await sendSplittingOnRejection(batch.slice(half), send, rejectsAnEvent)),
  ];
}
