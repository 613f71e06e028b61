import { app } from "./app";
import { consumeEvents } from "./consumer";
import { sweepOutbox } from "./sweep";

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  scheduled: sweepOutbox,
} satisfies ExportedHandler<Env>;
