import { loadConfig } from "../config";
import { errorText } from "../lib/errors";
import { logError } from "../lib/log";
import { purgeShopOrders } from "../store/reconcile";
import { checkCoverage } from "./coverage";
import { reconcile } from "./run";

/**
 * The Cron Trigger's reconciliation (the same trigger as the sweep, every 10 minutes): one run
 * over every source with API settings, the listed orders past RETENTION_DAYS purged, then the
 * coverage alert for the last complete day. Never throws: the sweep runs beside it.
 */
export async function reconcileOnSchedule(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    logError("reconcile skipped: configuration invalid", { problems: loaded.reason });
    return;
  }
  const config = loaded.value;
  const now = controller.scheduledTime || Date.now();
  try {
    await reconcile(env, config, ctx, { now });
    await purgeShopOrders(env.DB, new Date(now - config.RETENTION_DAYS * 86_400_000).toISOString());
    await checkCoverage(env, config, now);
  } catch (error) {
    logError("reconcile failed", { error: errorText(error) });
  }
}
