import type { Config } from "../../config";

/**
 * Adobe I/O Events checks a webhook URL before registering it: a GET with `?challenge=<uuid>`
 * that must be answered 200 with the value, as text or as `{"challenge": "…"}` in JSON
 * (developer.adobe.com/events/docs/guides, "The challenge request"). Only a plain token is
 * echoed, so the answer can never carry markup.
 */
export function adobeChallenge(challenge: string | undefined): string | undefined {
  return challenge && /^[A-Za-z0-9._~-]{1,256}$/.test(challenge) ? challenge : undefined;
}

/** I/O Events are on only when the owner chose them and named their own console project. */
export function ioEventsEnabled(config: Config): boolean {
  return config.MAGENTO_AUTH === "io-events" && Boolean(config.MAGENTO_IO_CLIENT_ID);
}
