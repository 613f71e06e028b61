import type { ConfigResult } from "./config";

/** The Hono environment of every route: the bindings, and the settings parsed once per request. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** The Worker's settings, parsed by the app's first middleware (src/app.ts). */
    settings: ConfigResult;
  };
};
