/** Where the conversion happened, as Pinterest names it (app_android and app_ios are never ours). */
export type PinterestActionSource = "web" | "offline";

/** One event of POST /v5/ad_accounts/{ad_account_id}/events. Hashed keys go as arrays. */
export type PinterestEvent = {
  event_name: "checkout";
  action_source: PinterestActionSource;
  event_time: number;
  event_id: string;
  event_source_url?: string;
  user_data: {
    em?: string[];
    ph?: string[];
    external_id?: string[];
    click_id?: string;
    client_ip_address?: string;
    client_user_agent?: string;
  };
  custom_data: {
    currency: string;
    /** A decimal string, as Pinterest takes it. */
    value: string;
    content_ids: string[];
    contents: Array<{ id: string; item_price: string; quantity: number }>;
    num_items: number;
    order_id: string;
    opt_out_type?: "LDP";
  };
};

export type PinterestBody = { data: PinterestEvent[] };
