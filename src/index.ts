import { app } from "./app";
import { consumeEvents } from "./deliver/consumer";
import { sweepOutbox } from "./deliver/sweep";

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  scheduled: sweepOutbox,
} satisfies ExportedHandler<Env>;
