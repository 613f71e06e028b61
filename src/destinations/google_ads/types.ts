/** Data Manager's ConsentStatus, as its REST API spells it; unspecified is left out. */
export type ConsentStatus = "CONSENT_GRANTED" | "CONSENT_DENIED";

/** Data Manager's EventSource for where the sale happened. */
export type EventSource = "WEB" | "IN_STORE" | "OTHER";

/** One identifier per entry (a oneof): a SHA-256 hex hash of the normalized value. */
export type UserIdentifier = { emailAddress: string } | { phoneNumber: string };

/** One `Event` of an `events:ingest` request (google/ads/datamanager/v1/event.proto), in its JSON names. */
export type DataManagerEvent = {
  transactionId: string;
  /** RFC 3339 in UTC, the JSON form of a protobuf Timestamp. */
  eventTimestamp: string;
  eventSource: EventSource;
  conversionValue: number;
  currency: string;
  adIdentifiers?: { gclid: string } | { wbraid: string } | { gbraid: string };
  userData?: { userIdentifiers: UserIdentifier[] };
  consent?: { adUserData?: ConsentStatus; adPersonalization?: ConsentStatus };
  eventDeviceInfo?: { userAgent: string };
};

/** The `events:ingest` body: one destination (the conversion action), the events, hex hashes. */
export type IngestEventsRequest = {
  destinations: Array<{
    operatingAccount: { accountType: "GOOGLE_ADS"; accountId: string };
    loginAccount?: { accountType: "GOOGLE_ADS"; accountId: string };
    productDestinationId: string;
  }>;
  events: DataManagerEvent[];
  encoding: "HEX";
  validateOnly?: true;
};
