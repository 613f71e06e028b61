/** Reddit's action_source values (v3 ConversionEvent): WEBSITE, APP, PHYSICAL_STORE, OTHER. */
export type RedditActionSource = "WEBSITE" | "PHYSICAL_STORE" | "OTHER";

/** One Conversions API v3 event, as `data.events[]` carries it. */
export type RedditEvent = {
  event_at: number;
  action_source: RedditActionSource;
  event_source_url?: string;
  click_id?: string;
  type: { tracking_type: "PURCHASE" };
  user: {
    email?: string;
    phone_number?: string;
    ip_address?: string;
    user_agent?: string;
    uuid?: string;
    data_processing_options?: { modes: ["LDU"] };
  };
  metadata: {
    conversion_id: string;
    currency: string;
    value: number;
    item_count: number;
    products: Array<{ id: string; name?: string }>;
  };
};
