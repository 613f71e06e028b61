import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

/** Debian's Chromium, driven through playwright-core (which downloads no browser of its own). */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed; when it is not, warns that `what` is skipped. For `describe.skipIf`. */
export function chromiumInstalled(what) {
  const installed = existsSync(CHROMIUM);
  if (!installed) console.warn(`${what} skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return installed;
}

/** Headless, sandbox off (containers), and nothing reaching the network on its own. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless Chromium with its profile in `profileDir`; `options` (a viewport, say) adds to the common ones. */
export function launchChromium(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...options,
  });
}
