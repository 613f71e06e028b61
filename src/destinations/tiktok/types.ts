/** One Events API 2.0 web event (`data[]` of POST /open_api/v1.3/event/track/). */
export type TikTokEvent = {
  event: "Purchase";
  event_time: number;
  event_id: string;
  user: {
    email?: string;
    phone?: string;
    external_id?: string;
    ttclid?: string;
    ttp?: string;
    ip?: string;
    user_agent?: string;
  };
  page?: { url: string };
  properties: {
    currency: string;
    value: number;
    content_type: "product";
    contents: Array<{ content_id: string; content_name?: string; quantity: number; price: number }>;
    order_id: string;
  };
  limited_data_use?: true;
};

/** The request body: one pixel, its events, and the test event code when one is set. */
export type TikTokBody = {
  event_source: "web";
  event_source_id: string;
  test_event_code?: string;
  data: TikTokEvent[];
};
