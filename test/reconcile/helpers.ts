import { env } from "cloudflare:test";
import { expect } from "vitest";
import { loadConfig } from "../../src/config";
import { type RunOptions, reconcile } from "../../src/reconcile/run";
import { RECONCILE_ENV } from "../fixtures/shop-apis";
import { type RecordedQueue, recordingQueue } from "../helpers";

/** A Worker execution context whose waitUntil promises a test can wait for. */
export function executionContext() {
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;
  return { ctx, settle: () => Promise.all(pending) };
}

/** The pool's env with reconciliation on for the three fakes, and a recording Queue unless given one. */
export function reconcileEnv(
  overrides: Partial<Env> & Record<string, unknown> = {},
): Env & { EVENTS_QUEUE: RecordedQueue } {
  return { ...env, ...RECONCILE_ENV, EVENTS_QUEUE: recordingQueue(), ...overrides } as Env & {
    EVENTS_QUEUE: RecordedQueue;
  };
}

/** One reconciliation run, as the Cron Trigger runs it, with waits recorded instead of slept. */
export async function runOnce(runEnv: Env, options: RunOptions = {}) {
  const loaded = loadConfig(runEnv);
  if (!loaded.ok) throw new Error(loaded.reason.join("; "));
  const { ctx, settle } = executionContext();
  const waits: number[] = [];
  const summaries = await reconcile(runEnv, loaded.value, ctx, {
    wait: async (ms) => void waits.push(ms),
    ...options,
  });
  await settle();
  return { summaries, waits, bySource: Object.fromEntries(summaries.map((s) => [s.source, s])) };
}

/** Starts a test from no reconciliation state: no listing, no listed order. */
export async function forgetReconciliation(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM reconcile_state"),
    env.DB.prepare("DELETE FROM shop_orders"),
  ]);
}

export async function listingState(source: string) {
  return env.DB.prepare(
    "SELECT watermark, cursor, last_error, caught_up_at, lease_until FROM reconcile_state WHERE source = ?1",
  )
    .bind(source)
    .first<{
      watermark: string;
      cursor: string | null;
      last_error: string | null;
      caught_up_at: string | null;
      lease_until: number | null;
    }>();
}

/** How many rows hold each of these event ids (exactly once each is the promise). */
export async function storedCount(ids: string[]): Promise<number[]> {
  const counts = [];
  for (const id of ids) {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE id = ?1")
      .bind(id)
      .first<{ n: number }>();
    counts.push(row?.n ?? 0);
  }
  return counts;
}

export async function recoveredAt(id: string): Promise<string | null | undefined> {
  const row = await env.DB.prepare("SELECT recovered_at FROM events WHERE id = ?1")
    .bind(id)
    .first<{ recovered_at: string | null }>();
  expect(row, `event ${id} is stored`).not.toBeNull();
  return row?.recovered_at;
}
