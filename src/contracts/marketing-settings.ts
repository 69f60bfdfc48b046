/** PUBLIC_BASE_URL, UNSUBSCRIBE_SECRET (or its derivation), UNSUBSCRIBE_LINK_TTL, MARKETING_EMAIL_MIN_INTERVAL, MARKETING_CAP_WAIT_LIMIT. */
export interface MarketingSettings {
  /** Where customers reach this service's /unsubscribe; without it no marketing email goes out. */
  publicBaseUrl?: string;
  unsubscribeSecret?: string;
  unsubscribeLinkTtlMs: number;
  /** The frequency cap: at most one marketing email per customer in this long, across campaigns. */
  minIntervalMs: number;
  /**
   * How long a VIP welcome or upsell held back by the cap may wait for it, from its first cap: four 7-day windows,
   * after which the email is no longer timely (a "welcome" a month late) and is given up.
   */
  capWaitLimitMs: number;
  /** Win-back: a customer whose last rental ended longer ago than this is inactive (about six months). */
  winBackInactiveMs: number;
  /** New-product campaigns send at this pace (the SMTP provider's limit). */
  newProductEmailsPerMinute: number;
}
