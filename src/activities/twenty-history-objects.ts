/** Custom history objects that hang off the person in Twenty (docs/twenty-data-model.md#custom-objects). */
export const historyObjects = ['rentalRecords', 'serviceRecords', 'salesRecords'] as const;
export type HistoryObject = (typeof historyObjects)[number];
