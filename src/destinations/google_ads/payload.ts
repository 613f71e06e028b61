import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber } from "../../lib/money";
import type { CommerceEvent } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { orderIdFromTemplate } from "../order-ids";
import type {
  ConsentStatus,
  DataManagerEvent,
  EventSource,
  IngestEventsRequest,
  UserIdentifier,
} from "./types";

const STATUS = { granted: "CONSENT_GRANTED", denied: "CONSENT_DENIED" } as const;
const status = (state?: "granted" | "denied"): ConsentStatus | undefined =>
  state ? STATUS[state] : undefined;

/** Where the sale happened: a web checkout, a store's point of sale, anything else. */
function eventSourceOf(event: CommerceEvent): EventSource {
  if (event.channel === "web") return "WEB";
  return event.channel === "pos" ? "IN_STORE" : "OTHER";
}

/**
 * The click: one of gclid, wbraid, gbraid, which the Google Ads API documents as mutually
 * exclusive on a conversion (ClickConversion); gclid first, then the iOS web click (wbraid).
 */
function adIdentifiersOf(attribution: CommerceEvent["attribution"]): DataManagerEvent["adIdentifiers"] {
  if (attribution.gclid) return { gclid: attribution.gclid };
  if (attribution.wbraid) return { wbraid: attribution.wbraid };
  return attribution.gbraid ? { gbraid: attribution.gbraid } : undefined;
}

/**
 * E-mail and phone, as Data Manager's formatting guide (devguides/concepts/formatting) normalizes
 * them: `identity.ga4`'s rule (trimmed, lowercase, no dots in a gmail.com or googlemail.com local
 * part; phones E.164 with '+'), and a Gmail "+tag" dropped too (`identity.googleAds`, only there
 * when that differs). SHA-256, hex-encoded: the request says `encoding: HEX`.
 */
function userDataOf(identity: CommerceEvent["identity"]): DataManagerEvent["userData"] {
  const identifiers: UserIdentifier[] = [];
  const email = identity.googleAds?.email ?? identity.ga4.email;
  if (email) identifiers.push({ emailAddress: email });
  if (identity.ga4.phone) identifiers.push({ phoneNumber: identity.ga4.phone });
  return identifiers.length > 0 ? { userIdentifiers: identifiers } : undefined;
}

/** The customer's own ad choices; the marketing choice stands in for one not captured. */
function consentOf(consent: CommerceEvent["consent"]): DataManagerEvent["consent"] {
  const result = withoutUndefined({
    adUserData: status(consent.adUserData ?? consent.marketing),
    adPersonalization: status(consent.adPersonalization ?? consent.marketing),
  });
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The transaction id the Google tag sent for the order: GOOGLE_ADS_TRANSACTION_ID, by source. */
export function googleAdsTransactionId(event: CommerceEvent, config: Config): string {
  return orderIdFromTemplate(config.GOOGLE_ADS_TRANSACTION_ID, event);
}

/** One purchase as a Data Manager event. Pure: the same event and config give the same object. */
export function toGoogleAdsEvent(event: CommerceEvent, config: Config): DataManagerEvent {
  const money = conversionMoney(event, config);
  return withoutUndefined({
    transactionId: googleAdsTransactionId(event, config),
    eventTimestamp: new Date(event.occurredAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: eventSourceOf(event),
    conversionValue: moneyToNumber(money.value),
    currency: event.order.currency,
    adIdentifiers: adIdentifiersOf(event.attribution),
    userData: userDataOf(event.identity),
    consent: consentOf(event.consent),
    // The browser's user agent only: Google Ads takes no IP address from the EEA, UK or Switzerland
    // (DeviceInfo.ip_address), and tagrelay does not know where the customer was.
    eventDeviceInfo:
      event.channel === "web" && event.client.userAgent ? { userAgent: event.client.userAgent } : undefined,
  });
}

/** The request for a batch: every event to the one conversion action of GOOGLE_ADS_CUSTOMER_ID. */
export function toIngestRequest(events: DataManagerEvent[], config: Config): IngestEventsRequest {
  const account = (accountId: string) => ({ accountType: "GOOGLE_ADS" as const, accountId });
  return withoutUndefined({
    destinations: [
      withoutUndefined({
        operatingAccount: account(config.GOOGLE_ADS_CUSTOMER_ID ?? ""),
        loginAccount: config.GOOGLE_ADS_LOGIN_CUSTOMER_ID
          ? account(config.GOOGLE_ADS_LOGIN_CUSTOMER_ID)
          : undefined,
        productDestinationId: config.GOOGLE_ADS_CONVERSION_ACTION_ID ?? "",
      }),
    ],
    events,
    encoding: "HEX" as const,
    validateOnly: config.GOOGLE_ADS_VALIDATE_ONLY ? (true as const) : undefined,
  });
}
