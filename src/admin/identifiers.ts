import * as z from "zod";
import { purchaseIdentifiers } from "../store/identifier-coverage";
import { type IdentifierDay, identifierCoverage } from "./identifier-coverage";

/** `?days=` of /admin/api/identifiers: 1 to 60, 14 by default. */
export const IdentifiersQuery = z.object({ days: z.coerce.number().int().min(1).max(60).default(14) });

/** Identifier coverage of the purchases placed in the last `days` days (UTC). */
export async function identifierCoverageSince(
  db: D1Database,
  days: number,
  now: number,
): Promise<IdentifierDay[]> {
  const since = new Date(now - days * 86_400_000).toISOString().slice(0, 10);
  return identifierCoverage(await purchaseIdentifiers(db, since));
}
