import type { MetaActionSource } from "./action-source";

/** Hashed keys go as one-element arrays, the form Meta documents for multiple values. */
export type MetaUserData = {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
  client_ip_address?: string;
  client_user_agent?: string;
  fbp?: string;
  fbc?: string;
};

export type MetaServerEvent = {
  event_name: "Purchase" | "Refund";
  event_time: number;
  event_id: string;
  action_source: MetaActionSource;
  event_source_url?: string;
  user_data: MetaUserData;
  data_processing_options?: ["LDU"];
  data_processing_options_country?: 0;
  data_processing_options_state?: 0;
  custom_data: {
    value: number;
    currency: string;
    order_id: string;
    content_ids?: string[];
    contents?: Array<{ id: string; quantity: number; item_price: number }>;
    content_type?: "product";
    num_items?: number;
  };
};
