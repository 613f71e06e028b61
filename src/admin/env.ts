import type { AppEnv } from "../config";

/** What the admin middlewares put on the context for the handlers below them (and the app's settings). */
export type AdminEnv = {
  Bindings: Env;
  Variables: AppEnv["Variables"] & {
    adminToken: string;
    /** The request body, read once under the admin cap (POSTs only). */
    body?: Uint8Array;
    form?: Record<string, string>;
    /** Set for a cookie session: its id and CSRF token. A Bearer caller has neither. */
    sessionId?: string;
    csrf?: string;
  };
};
