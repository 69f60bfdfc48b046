/** Custom history objects that hang off the person in Twenty (twenty.md "Custom data model"). */
export const historyObjects = ['rentalRecords', 'serviceRecords', 'salesRecords'] as const;
export type HistoryObject = (typeof historyObjects)[number];
