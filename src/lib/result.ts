/**
 * What a step that can fail in an expected way returns: `ok` says which, `value` what it made,
 * `reason` why it did not. Exceptions are left for the unexpected.
 */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; reason: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

export const fail = <const E>(reason: E): Result<never, E> => ({ ok: false, reason });
