/** The kinds of KGC customer history the ledger keeps and Twenty shows: rentals, services (worklogs) and orders. */
export type HistoryKind = 'rental' | 'service' | 'order';
