// What a running Worker's /health says about its settings, in the words `npm start` and
// `npm run demo` print.

/**
 * Asks `${base}/health` once. `answered` is false when nothing answers; `ok` is true when the
 * Worker is up and its settings are valid; `lines` says what is wrong and what to do about it.
 */
export async function checkHealth(base) {
  const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) }).catch(
    () => undefined,
  );
  if (!response) return { answered: false, ok: false, lines: [] };
  const body = await response.json().catch(() => ({}));
  if (response.ok && body.status === "ok") {
    const off = Object.entries(body.sources ?? {}).flatMap(([name, ready]) => (ready ? [] : [name]));
    const lines = off.length
      ? [`not configured (their webhooks answer 503, see README "Configuration"): ${off.join(", ")}`]
      : [];
    return { answered: true, ok: true, health: body, lines };
  }
  if (body.status === "misconfigured" && Array.isArray(body.problems)) {
    return {
      answered: true,
      ok: false,
      lines: [
        "the Worker's settings are invalid, so every webhook answers 503 until they are fixed:",
        ...body.problems.map((problem) => `  ${problem}`),
        'Fix them in .dev.vars (a blank setting takes its default, README "Configuration"), then restart `npm start`.',
      ],
    };
  }
  return {
    answered: true,
    ok: false,
    lines: [`${base}/health answered ${response.status}, not tagrelay's health.`],
  };
}
