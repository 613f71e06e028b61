import type { HttpAnswer } from "./http";

/**
 * Sends a batch; when the platform refuses it because one of its events is bad (`rejectsAnEvent`),
 * sends each half again until the bad event is alone, so it costs the others nothing. `settle`
 * records the answer for every event of a part that was not split.
 */
export async function sendHalving<T>(
  batch: T[],
  send: (part: T[]) => Promise<HttpAnswer>,
  rejectsAnEvent: (answer: HttpAnswer) => boolean,
  settle: (part: T[], answer: HttpAnswer) => void,
): Promise<void> {
  const answer = await send(batch);
  if (batch.length > 1 && rejectsAnEvent(answer)) {
    const half = Math.ceil(batch.length / 2);
    await sendHalving(batch.slice(0, half), send, rejectsAnEvent, settle);
    await sendHalving(batch.slice(half), send, rejectsAnEvent, settle);
    return;
  }
  settle(batch, answer);
}
