import type { Config } from "../config";
import { withoutUndefined } from "../lib/defined";
import type { CommerceEvent } from "../model/commerce-event";

type Found = { ip?: string | null; userAgent?: string | null; customerId?: string | null };

const present = (value: string | null | undefined) => value?.trim() || undefined;

/**
 * The event's client data, kept only until every destination is final: the shopper's IP and
 * user agent, and the shop's customer id only when GA4_USER_ID sends it as GA4's user_id
 * (otherwise the customer id reaches the event only hashed, as Meta's external_id).
 */
export function clientOf(config: Config, found: Found): CommerceEvent["client"] {
  return withoutUndefined({
    ip: present(found.ip),
    userAgent: present(found.userAgent),
    customerId: config.GA4_USER_ID === "customer_id" ? present(found.customerId) : undefined,
  });
}
