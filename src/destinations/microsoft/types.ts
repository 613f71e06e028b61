/** One UET Conversions API event (`data[]`), as Microsoft's CAPI guide names its fields. */
export type UetEvent = {
  eventType: "custom";
  eventName: "purchase";
  eventId: string;
  eventTime: number;
  eventSourceUrl?: string;
  /** Ad-storage consent: G(ranted) or D(enied); left out when the customer made no choice. */
  adStorageConsent?: "G" | "D";
  userData: {
    em?: string;
    msclkid?: string;
    clientIpAddress?: string;
    clientUserAgent?: string;
  };
  customData: {
    value: number;
    currency: string;
    transactionId: string;
    pageType: "purchase";
    itemIds: string[];
    items: Array<{ id: string; quantity: number; price: number; name?: string }>;
  };
};
