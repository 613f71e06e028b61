import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import type { Config } from "../config";
import { logInfo } from "../lib/log";
import { SOURCE_NAMES } from "../model/statuses";
import { reconcile, type SourceSummary } from "../reconcile/run";
import type { AdminEnv } from "./env";

/** `POST /admin/api/reconcile` may name the sources to run; without a body, every one with API settings runs. */
export const ReconcileRequest = z
  .object({ sources: z.array(z.enum(SOURCE_NAMES)).min(1).optional() })
  .strict();
export type ReconcileRequest = z.infer<typeof ReconcileRequest>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `GET /admin/api/coverage`: `days` back (1 to 90, default 14), or `source` and `day` for the drill-down. */
export const CoverageQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(90).default(14),
    source: z.enum(SOURCE_NAMES).optional(),
    day: z.string().regex(DAY, "not a day (YYYY-MM-DD)").optional(),
  })
  .refine((q) => (q.source === undefined) === (q.day === undefined), "give source and day together");

/** The settings of an admin request: adminEnabled let it through only when they parsed. */
export function settingsOf(c: Context<AdminEnv>): Config {
  const loaded = c.var.settings;
  if (!loaded.ok) throw new HTTPException(503, { message: "relay misconfigured" });
  return loaded.value;
}

/** One reconciliation run now, logged; returns each source's summary. */
export async function reconcileNow(
  c: Context<AdminEnv>,
  via: "api" | "page",
  sources?: ReconcileRequest["sources"],
): Promise<SourceSummary[]> {
  const summaries = await reconcile(c.env, settingsOf(c), c.executionCtx, { sources });
  logInfo("admin reconcile", {
    via,
    recovered: summaries.reduce((n, s) => n + s.recovered, 0),
    sources: summaries.map((s) => `${s.source}: ${s.status}`),
  });
  return summaries;
}
