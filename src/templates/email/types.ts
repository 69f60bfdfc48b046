/** What each template needs; the email activity reads it from KGC and the campaign's stored event, never history. */
export interface RentalEmailData {
  /** "Kedves János!" / "Tisztelt Szabó és Társa Kft.!" */
  greeting: string;
  machineName: string;
  rentalEnd: string;
  rentalId: string;
}

export interface RepairDoneEmailData {
  greeting: string;
  machineType?: string;
  worklogId: string;
  pickupInfo?: string;
}

/** Every marketing email: the greeting and the signed one-click unsubscribe link of its footer. */
export interface MarketingEmailData {
  greeting: string;
  unsubscribeUrl: string;
}

export interface VipWelcomeEmailData extends MarketingEmailData {
  totalRentals: number;
}

export interface WinBackEmailData extends MarketingEmailData {
  lastRentalOn: string;
}

export interface NewProductEmailData extends MarketingEmailData {
  /** KGC's category, as the subject names it: "Makita fúrók". */
  category: string;
  products: string[];
}

export interface UpsellEmailData extends MarketingEmailData {
  machineName: string;
  rentalsInMonth: number;
}
