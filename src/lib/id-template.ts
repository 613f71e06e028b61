/**
 * Id templates such as `{order_number}` or `order-{order_id}`: how a setting says which of an
 * order's ids a destination receives, so it equals what the shop's own browser tag sends.
 * Shared by GA4's transaction_id and Meta's event_id: the settings check them, the
 * destinations fill them.
 */

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The template with each `{name}` replaced by its value. */
export function fillIdTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/**
 * What is wrong with a template, if anything: a placeholder outside `allowed`, a stray brace,
 * or no placeholder from `identifying` (a template without one gives every order the same id,
 * and the platform would count all of them as one).
 */
export function idTemplateProblem(
  template: string,
  allowed: readonly string[],
  identifying: readonly string[],
): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const unknown = names.find((name) => !allowed.includes(name));
  if (unknown !== undefined) {
    return `{${unknown}} is not a placeholder; use ${allowed.map((n) => `{${n}}`).join(", ")}`;
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ""))) return "a brace without its pair";
  if (!names.some((name) => identifying.includes(name))) {
    return `needs ${identifying.map((n) => `{${n}}`).join(" or ")}, or every order gets the same id`;
  }
  return undefined;
}
