/** The custom data model this service needs in Twenty (docs/twenty-data-model.md). */

export interface FieldSpec {
  name: string;
  label: string;
  type: 'TEXT' | 'NUMBER' | 'CURRENCY' | 'DATE' | 'DATE_TIME' | 'BOOLEAN' | 'SELECT' | 'RELATION';
  options?: Array<{ value: string; label: string; color: string; position: number }>;
  relationTo?: { object: string; targetFieldLabel: string; icon: string };
}

export interface ObjectSpec {
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  icon: string;
  fields: FieldSpec[];
}

const options = (values: string[], colors: string[]) =>
  values.map((v, i) => ({ value: v, label: v.charAt(0) + v.slice(1).toLowerCase().replace(/_/g, ' '), color: colors[i] ?? 'gray', position: i }));

const personRelation = (label: string, icon: string): FieldSpec => ({
  name: 'person',
  label: 'Person',
  type: 'RELATION',
  relationTo: { object: 'person', targetFieldLabel: label, icon },
});

export const personFields: FieldSpec[] = [
  { name: 'kgcCustomerId', label: 'KGC Customer Id', type: 'TEXT' },
  { name: 'paymentStatus', label: 'Payment Status', type: 'SELECT', options: options(['GOOD', 'LATE', 'BLOCKED'], ['green', 'orange', 'red']) },
  { name: 'totalRentals', label: 'Total Rentals', type: 'NUMBER' },
  { name: 'totalRevenue', label: 'Total Revenue', type: 'CURRENCY' },
  { name: 'lastRentalDate', label: 'Last Rental Date', type: 'DATE' },
  { name: 'lastServiceDate', label: 'Last Service Date', type: 'DATE' },
  { name: 'isBusiness', label: 'Is Business', type: 'BOOLEAN' },
  { name: 'marketingEmailConsent', label: 'Marketing Email Consent', type: 'BOOLEAN' },
  { name: 'vipSince', label: 'VIP Since', type: 'DATE_TIME' },
];

/**
 * Fields on Twenty's standard opportunity for the won deal → franchise tenant flow: the tenant KGC created
 * (written back by franchise onboarding) and the package the salesperson sold (basic when left empty).
 */
export const opportunityFields: FieldSpec[] = [
  { name: 'kgcTenantId', label: 'KGC Tenant Id', type: 'TEXT' },
  { name: 'franchisePackage', label: 'Franchise Package', type: 'SELECT', options: options(['BASIC', 'PRO', 'ENTERPRISE'], ['gray', 'blue', 'purple']) },
];

/** Twenty also gives each custom object a text `name`, its record title (label identifier): the sync fills it. */
export const customObjects: ObjectSpec[] = [
  {
    nameSingular: 'rentalRecord',
    namePlural: 'rentalRecords',
    labelSingular: 'Rental Record',
    labelPlural: 'Rental Records',
    icon: 'IconTruck',
    fields: [
      { name: 'kgcRentalId', label: 'KGC Rental Id', type: 'TEXT' },
      { name: 'machineName', label: 'Machine Name', type: 'TEXT' },
      { name: 'rentalStart', label: 'Rental Start', type: 'DATE' },
      { name: 'rentalEnd', label: 'Rental End', type: 'DATE' },
      { name: 'totalDays', label: 'Total Days', type: 'NUMBER' },
      { name: 'totalCost', label: 'Total Cost', type: 'CURRENCY' },
      { name: 'status', label: 'Status', type: 'SELECT', options: options(['COMPLETED', 'LATE', 'ACTIVE'], ['green', 'orange', 'blue']) },
      personRelation('Rental Records', 'IconTruck'),
    ],
  },
  {
    nameSingular: 'serviceRecord',
    namePlural: 'serviceRecords',
    labelSingular: 'Service Record',
    labelPlural: 'Service Records',
    icon: 'IconTool',
    fields: [
      { name: 'kgcWorklogId', label: 'KGC Worklog Id', type: 'TEXT' },
      { name: 'machineType', label: 'Machine Type', type: 'TEXT' },
      { name: 'issueDescription', label: 'Issue Description', type: 'TEXT' },
      { name: 'repairCost', label: 'Repair Cost', type: 'CURRENCY' },
      { name: 'status', label: 'Status', type: 'SELECT', options: options(['COMPLETED', 'IN_PROGRESS'], ['green', 'blue']) },
      { name: 'completedAt', label: 'Completed At', type: 'DATE_TIME' },
      personRelation('Service Records', 'IconTool'),
    ],
  },
  {
    nameSingular: 'salesRecord',
    namePlural: 'salesRecords',
    labelSingular: 'Sales Record',
    labelPlural: 'Sales Records',
    icon: 'IconShoppingCart',
    fields: [
      { name: 'kgcOrderId', label: 'KGC Order Id', type: 'TEXT' },
      { name: 'itemsSummary', label: 'Items', type: 'TEXT' },
      { name: 'totalAmount', label: 'Total Amount', type: 'CURRENCY' },
      { name: 'orderDate', label: 'Order Date', type: 'DATE' },
      { name: 'deliveredAt', label: 'Delivered At', type: 'DATE_TIME' },
      personRelation('Sales Records', 'IconShoppingCart'),
    ],
  },
];
