/** Snap's action_source values tagrelay can say truthfully: a website purchase, or one made elsewhere. */
export type SnapActionSource = "WEB" | "OFFLINE";

/** One Conversions API v3 event (Snap Business SDK v3, api/openapi.yaml: CapiEvent). */
export type SnapEvent = {
  event_name: "PURCHASE";
  event_time: number;
  event_id: string;
  action_source: SnapActionSource;
  event_source_url?: string;
  user_data: {
    em?: string[];
    ph?: string[];
    client_ip_address?: string;
    client_user_agent?: string;
    sc_click_id?: string;
    sc_cookie1?: string;
  };
  custom_data: {
    value: number;
    currency: string;
    order_id: string;
    content_ids: string[];
    /** Snap's Content schema types quantity and item_price as strings. */
    contents: Array<{ id: string; quantity: string; item_price: string }>;
    num_items: number;
  };
};
