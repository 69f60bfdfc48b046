import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Twenty's phones composite: ISO country in `…CountryCode`, dial prefix in `…CallingCode` (twenty.md §3.2). */
export function toTwentyPhone(e164: string): { primaryPhoneNumber: string; primaryPhoneCountryCode: string; primaryPhoneCallingCode: string } {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { primaryPhoneNumber: e164.replace(/^\+/, ''), primaryPhoneCountryCode: '', primaryPhoneCallingCode: '' };
  return {
    primaryPhoneNumber: String(parsed.nationalNumber),
    primaryPhoneCountryCode: parsed.country ?? '',
    primaryPhoneCallingCode: `+${parsed.countryCallingCode}`,
  };
}
