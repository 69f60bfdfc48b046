import { getCountries, getCountryCallingCode, isSupportedCountry, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { badInput } from './errors.js';
import type { ObjectMeta } from './metadata-model.js';

type Data = Record<string, unknown>;

const countriesByCallingCode = new Map<string, CountryCode[]>();
for (const country of getCountries()) {
  const code = getCountryCallingCode(country);
  countriesByCallingCode.set(code, [...(countriesByCallingCode.get(code) ?? []), country]);
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const phoneError = (message: string, subCode: string) => badInput(message, subCode);

/** transform-emails-value.util.ts: the whole address is lower-cased; an empty primary email becomes null. */
function transformEmails(value: Data): Data {
  const out: Data = {};
  if ('primaryEmail' in value) out.primaryEmail = nonEmpty(value.primaryEmail) ? value.primaryEmail.toLowerCase() : null;
  if ('additionalEmails' in value) {
    const list = value.additionalEmails;
    out.additionalEmails = Array.isArray(list) && list.length > 0 ? list.map((e) => String(e).toLowerCase()) : null;
  }
  return out;
}

/**
 * transform-phones-value.util.ts: the country must exist, the calling code must map to a country, and the number
 * must parse with libphonenumber under them without contradicting either; Twenty stores the national number.
 */
function transformPhone(callingCode: unknown, countryCode: unknown, number: unknown) {
  if (nonEmpty(countryCode) && !isSupportedCountry(countryCode)) throw phoneError(`Invalid country code ${countryCode}`, 'INVALID_PHONE_COUNTRY_CODE');
  const calling = nonEmpty(callingCode) ? callingCode.replace(/\+/g, '') : undefined;
  if (calling !== undefined) {
    const expected = countriesByCallingCode.get(calling) ?? [];
    if (expected.length === 0) throw phoneError(`Invalid calling code ${String(callingCode)}`, 'INVALID_PHONE_CALLING_CODE');
    if (nonEmpty(countryCode) && !expected.includes(countryCode as CountryCode)) {
      throw phoneError('Provided country code and calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE_AND_COUNTRY_CODE');
    }
  }
  if (!nonEmpty(number)) return { callingCode, countryCode, number };
  let phone;
  try {
    phone = parsePhoneNumberWithError(number, { defaultCallingCode: calling, defaultCountry: nonEmpty(countryCode) ? (countryCode as CountryCode) : undefined });
  } catch {
    throw phoneError(`Provided phone number is invalid ${number}`, 'INVALID_PHONE_NUMBER');
  }
  if (nonEmpty(phone.country) && nonEmpty(countryCode) && phone.country !== countryCode) {
    throw phoneError('Provided and inferred country code are conflicting', 'CONFLICTING_PHONE_COUNTRY_CODE');
  }
  if (calling !== undefined && phone.countryCallingCode !== calling) {
    throw phoneError('Provided and inferred calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE');
  }
  return { callingCode: callingCode ?? `+${phone.countryCallingCode}`, countryCode: countryCode ?? phone.country, number: phone.nationalNumber };
}

function transformPhones(value: Data): Data {
  const primary = transformPhone(value.primaryPhoneCallingCode, value.primaryPhoneCountryCode, value.primaryPhoneNumber);
  const out: Data = {
    ...value,
    primaryPhoneNumber: primary.number,
    primaryPhoneCallingCode: primary.callingCode,
    primaryPhoneCountryCode: primary.countryCode,
  };
  if (Array.isArray(value.additionalPhones)) {
    out.additionalPhones = value.additionalPhones.map((p: Data) => {
      const t = transformPhone(p.callingCode, p.countryCode, p.number);
      return { number: t.number, countryCode: t.countryCode, callingCode: t.callingCode };
    });
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * Twenty's data-arg processor, which runs before a write and before upsert matching: emails are canonicalised
 * and phones validated like Twenty's record transformers do. Other values pass through.
 */
export function transformInput(meta: ObjectMeta, data: Data): Data {
  const out: Data = { ...data };
  for (const field of meta.fields) {
    const value = data[field.name];
    if (value === null || typeof value !== 'object') continue;
    if (field.type === 'EMAILS') out[field.name] = transformEmails(value as Data);
    if (field.type === 'PHONES') out[field.name] = transformPhones(value as Data);
  }
  return out;
}
