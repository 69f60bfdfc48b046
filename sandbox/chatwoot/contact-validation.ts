import { ChatwootRequestError } from './app.js';
import type { ChatwootState, Contact } from './state.js';

/** contact.rb: no start anchor on the phone regex, exactly as Chatwoot has it. */
const PHONE = /\+[1-9]\d{1,14}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export interface ContactInput {
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  blocked?: boolean;
  additional_attributes?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
}

const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v);

/** Normalises like the model callbacks, then raises RecordInvalid's 422 with every failing attribute. */
export function validateContact(state: ChatwootState, input: ContactInput, self?: Contact): ContactInput {
  const email = blankToNull(input.email);
  const out: ContactInput = {
    ...input,
    ...(email !== undefined && { email: email === null ? null : email.toLowerCase() }),
    ...(input.phone_number !== undefined && { phone_number: blankToNull(input.phone_number) }),
    ...(input.identifier !== undefined && { identifier: blankToNull(input.identifier) }),
  };
  const errors: [string, string][] = [];
  const others = [...state.contacts.values()].filter((c) => c.id !== self?.id);
  if (out.email) {
    if (!EMAIL.test(out.email)) errors.push(['email', 'Email Invalid email']);
    else if (others.some((c) => c.email?.toLowerCase() === out.email)) errors.push(['email', 'Email has already been taken']);
  }
  if (out.phone_number) {
    if (!PHONE.test(out.phone_number)) errors.push(['phone_number', 'Phone number should be in e164 format']);
    else if (others.some((c) => c.phone_number === out.phone_number)) errors.push(['phone_number', 'Phone number has already been taken']);
  }
  if (out.identifier && others.some((c) => c.identifier === out.identifier)) {
    errors.push(['identifier', 'Identifier has already been taken']);
  }
  if (errors.length > 0) {
    throw new ChatwootRequestError(422, { message: errors.map(([, m]) => m).join(', '), attributes: errors.map(([a]) => a) });
  }
  return out;
}
