import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, parsePhoneNumberWithError } from 'libphonenumber-js';

/** Twenty's phones composite: ISO country in `…CountryCode`, dial prefix in `…CallingCode` (docs/twenty-data-model.md#phones). */
export interface TwentyPhone {
  primaryPhoneNumber: string;
  primaryPhoneCountryCode: string;
  primaryPhoneCallingCode: string;
}

/** What a person gets instead of a number Twenty would refuse: no phone at all. */
export const noTwentyPhone: TwentyPhone = { primaryPhoneNumber: '', primaryPhoneCountryCode: '', primaryPhoneCallingCode: '' };

const callingCodesWithCountry = new Set(getCountries().map((country) => getCountryCallingCode(country)));

/**
 * E.164 → Twenty's phones composite, or undefined when Twenty would refuse it. Twenty re-validates every phone with
 * libphonenumber (transform-phones-value.util.ts): the calling code must map to a country (so +800 and other
 * non-geographic numbers fail), and the national number we send must parse again under that calling code and
 * country without contradicting them. One refused phone would fail the whole person, so it is checked here.
 */
export function toTwentyPhone(e164: string): TwentyPhone | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || !callingCodesWithCountry.has(parsed.countryCallingCode)) return undefined;
  const phone = {
    primaryPhoneNumber: String(parsed.nationalNumber),
    primaryPhoneCountryCode: parsed.country ?? '',
    primaryPhoneCallingCode: `+${parsed.countryCallingCode}`,
  };
  try {
    const again = parsePhoneNumberWithError(phone.primaryPhoneNumber, { defaultCallingCode: parsed.countryCallingCode, defaultCountry: parsed.country });
    if (again.countryCallingCode !== parsed.countryCallingCode) return undefined;
    if (parsed.country && again.country && again.country !== parsed.country) return undefined;
  } catch {
    return undefined;
  }
  return phone;
}
