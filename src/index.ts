import { app } from "./app";
import { consumeEvents } from "./deliver/consumer";
import { sweepOutbox } from "./deliver/sweep";
import { reconcileOnSchedule } from "./reconcile/schedule";

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  scheduled: async (controller, env, ctx) => {
    await Promise.all([sweepOutbox(controller, env), reconcileOnSchedule(controller, env, ctx)]);
  },
} satisfies ExportedHandler<Env>;
