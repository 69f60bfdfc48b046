export type SubFieldKind = 'text' | 'json' | 'bigfloat';

export interface CompositeType {
  typeName: string;
  subFields: { name: string; kind: SubFieldKind }[];
  /** Sub-field that carries the unique constraint when the field is unique (isIncludedInUniqueConstraint). */
  uniqueSubField?: string;
  defaults: Record<string, unknown>;
}

export const COMPOSITES: Record<string, CompositeType> = {
  FULL_NAME: {
    typeName: 'FullName',
    subFields: [
      { name: 'firstName', kind: 'text' },
      { name: 'lastName', kind: 'text' },
    ],
    defaults: { firstName: '', lastName: '' },
  },
  EMAILS: {
    typeName: 'Emails',
    subFields: [
      { name: 'primaryEmail', kind: 'text' },
      { name: 'additionalEmails', kind: 'json' },
    ],
    uniqueSubField: 'primaryEmail',
    defaults: { primaryEmail: '', additionalEmails: null },
  },
  PHONES: {
    typeName: 'Phones',
    subFields: [
      { name: 'primaryPhoneNumber', kind: 'text' },
      { name: 'primaryPhoneCountryCode', kind: 'text' },
      { name: 'primaryPhoneCallingCode', kind: 'text' },
      { name: 'additionalPhones', kind: 'json' },
    ],
    uniqueSubField: 'primaryPhoneNumber',
    defaults: { primaryPhoneNumber: '', primaryPhoneCountryCode: '', primaryPhoneCallingCode: '', additionalPhones: null },
  },
  CURRENCY: {
    typeName: 'Currency',
    subFields: [
      { name: 'amountMicros', kind: 'bigfloat' },
      { name: 'currencyCode', kind: 'text' },
    ],
    defaults: { amountMicros: null, currencyCode: '' },
  },
  /** A note's body (`bodyV2`): BlockNote JSON and its Markdown rendering, either may be sent. */
  RICH_TEXT_V2: {
    typeName: 'RichTextV2',
    subFields: [
      { name: 'blocknote', kind: 'text' },
      { name: 'markdown', kind: 'text' },
    ],
    defaults: { blocknote: null, markdown: null },
  },
};
