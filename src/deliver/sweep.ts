import { loadConfig } from "../config";
import { DESTINATIONS } from "../destinations/registry";
import { logError, logInfo } from "../lib/log";
import { queueMessageOf } from "../model/queue-message";
import { purgeCollected } from "../store/collected";
import { clearEnqueueError, purgeEvents, strandedEventIds } from "../store/events";

/** An event this old with no delivery rows never reached the consumer. */
const STRANDED_AFTER_MS = 10 * 60_000;
/** A retry this overdue was lost by the Queue (or its consumer crashed). */
const OVERDUE_AFTER_MS = 30 * 60_000;
const SWEEP_LIMIT = 500;
/**
 * Client IP and user agent serve only Meta, which takes events up to 7 days old: past this, an
 * event's are dropped whatever its deliveries' state (a replay then sends it without them).
 */
const CLIENT_DATA_MAX_AGE_MS = 8 * 86_400_000;

/**
 * The Cron Trigger: re-enqueues events that were stored but never (or no longer) queued,
 * purges rows past the retention window, and drops client data the consumer did not (see
 * forgetStaleClients). Re-enqueueing is safe: the consumer's ledger never sends a final
 * delivery again.
 */
export async function sweepOutbox(controller: ScheduledController, env: Env): Promise<void> {
  await sweep(env, controller.scheduledTime || Date.now());
}

/** One sweep at the given time; returns what it did. */
export async function sweep(
  env: Env,
  now: number,
): Promise<{
  requeued: number;
  purged: number;
  clientCleared: number;
  collectedPurged?: number;
  collectedClientCleared?: number;
}> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    logError("sweep skipped: configuration invalid", { problems: loaded.reason });
    return { requeued: 0, purged: 0, clientCleared: 0 };
  }
  const config = loaded.value;
  const db = env.DB;

  const enabled = DESTINATIONS.some((d) => d.enabled(config));
  const ids = enabled
    ? await strandedEventIds(
        db,
        new Date(now - STRANDED_AFTER_MS).toISOString(),
        now - OVERDUE_AFTER_MS,
        SWEEP_LIMIT,
      )
    : [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    await env.EVENTS_QUEUE.sendBatch(chunk.map(queueMessageOf));
    await clearEnqueueError(db, chunk);
  }

  const cutoff = new Date(now - config.RETENTION_DAYS * 86_400_000).toISOString();
  const clientCutoff = new Date(now - CLIENT_DATA_MAX_AGE_MS).toISOString();
  const { purged, clientCleared } = await purgeEvents(db, cutoff, clientCutoff, SWEEP_LIMIT);
  // What browsers posted to /collect: the same retention, and client data no purchase took kept as long.
  const collected = await purgeCollected(db, cutoff, clientCutoff);
  const result = {
    requeued: ids.length,
    purged,
    clientCleared,
    collectedPurged: collected.purged,
    collectedClientCleared: collected.clientCleared,
  };
  logInfo("sweep", result);
  return result;
}
