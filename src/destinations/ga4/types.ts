export type Ga4Item = Record<string, string | number>;
export type Ga4Params = Record<string, string | number | Ga4Item[]>;
export type ConsentValue = "GRANTED" | "DENIED";

export type Ga4Body = {
  client_id: string;
  /** The shop's customer id, as the site's tag sets it (GA4_USER_ID). */
  user_id?: string;
  timestamp_micros?: number;
  user_data?: {
    sha256_email_address?: string[];
    sha256_phone_number?: string[];
    address?: Array<{
      sha256_first_name?: string;
      sha256_last_name?: string;
      sha256_street?: string;
      country?: string;
    }>;
  };
  consent?: { ad_user_data?: ConsentValue; ad_personalization?: ConsentValue };
  /** Request-level, like user_data: GA4 derives geography from the one and device from the other. */
  ip_override?: string;
  user_agent?: string;
  /** Asks the validation server (/debug/mp/collect) for its strict checks. */
  validation_behavior?: "ENFORCE_RECOMMENDATIONS";
  events: Array<{ name: "purchase" | "refund"; params: Ga4Params }>;
};

/** The body to send, and a note when items had to be left out to fit GA4's limits. */
export type Ga4Payload = { body: Ga4Body; note?: string };
