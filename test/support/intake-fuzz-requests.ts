import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { eventPathSegment, kgcEventTypes, type KgcEventType } from '../../src/contracts/kgc-events.js';

/**
 * Generated requests for the intake fuzz (test/e2e/intake-fuzz.test.ts). fast-check generates a *plan* (what to
 * break and how); `materialize` turns it into bytes at send time, so timestamps are signed against the clock of
 * the moment and every request carries ids of its own (`token`), which tell later whose workflow or row is whose.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Strings that have broken intakes before: NUL, lone surrogates, direction marks, combining runs, huge. */
const oddStrings = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  'e\u0301\u0301\u0301\u0301\u0301\u0301',
  '\ufeff',
  '\uffff',
  '\u2028\u2029',
  '\r\n\t',
  '𝕂𝔾ℂ',
  '',
  ' ',
  '%00',
  "'; drop table kgc_events; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '__proto__',
  'constructor',
];

export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...oddStrings) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u0301', '\u202e'), maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65, max: 300_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...oddStrings), fc.constantFrom('C-1', 'Kovács', '+36301234567')).map(([a, b]) => `${b}${a}${b}`) },
);

const oddNumber = fc.constantFrom(-1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 1e-320, -2147483649, 2 ** 64);

const deep = fc.tuple(fc.integer({ min: 50, max: 400_000 }), fc.boolean()).map(([depth, arrays]) => ({ deep: depth, arrays }) as const);

/** A value to put where another was: wrong types, odd strings and numbers, containers, deep nesting. */
const oddValue: fc.Arbitrary<Json | { deep: number; arrays: boolean }> = fc.oneof(
  { weight: 5, arbitrary: oddString },
  { weight: 2, arbitrary: oddNumber },
  { weight: 2, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], { a: 1 }, ['C-1']) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: deep },
);

export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: Json | { deep: number; arrays: boolean } }
  | { op: 'extra'; at: number; key: string; value: Json | { deep: number; arrays: boolean } }
  | { op: 'splice'; at: number; insert: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: oddValue }),
  fc.record({ op: fc.constant('extra' as const), at: fc.nat(), key: fc.oneof(oddString, fc.constantFrom('__proto__', 'tax_number', 'id_card')), value: oddValue }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), insert: oddString }),
);

export type Signing =
  | { kind: 'valid' }
  | { kind: 'seconds' }
  | { kind: 'missing_timestamp' }
  | { kind: 'missing_signature' }
  | { kind: 'random_hex'; hex: string }
  | { kind: 'other_secret' }
  | { kind: 'other_body' }
  | { kind: 'sha1_prefix' }
  | { kind: 'uppercase_hex' }
  | { kind: 'skewed'; offsetSeconds: number }
  | { kind: 'bad_timestamp'; value: string }
  | { kind: 'replay' };

const signing: fc.Arbitrary<Signing> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'seconds' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing_timestamp' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing_signature' as const }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdefg'.split('')), maxLength: 70 }).map((hex) => ({ kind: 'random_hex' as const, hex })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other_secret' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other_body' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sha1_prefix' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'uppercase_hex' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 301, max: 400 }), fc.integer({ min: 301, max: 2_000_000_000 }))
      .chain((s) => fc.constantFrom(s, -s))
      .map((offsetSeconds) => ({ kind: 'skewed' as const, offsetSeconds })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constantFrom('', 'abc', '-5', '1.5e9', ' 1700000000', '17000000000000000', '0x6560f000', '١٧٠٠٠٠٠٠٠٠', '99999999999999999999'), oddString)
      .map((value) => ({ kind: 'bad_timestamp' as const, value })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'replay' as const }) },
);

export type Transport = {
  contentType: string | null;
  contentEncoding: string | null;
  /** Cut the body at this share of its length: signed over what is sent, or over the whole (`signedWhole`). */
  truncate: { at: number; signedWhole: boolean } | null;
  /** Send over a raw socket claiming more bytes than follow, then half-close. */
  shortContentLength: boolean;
  /** Replace the body by raw bytes that are not UTF-8. */
  invalidUtf8: boolean;
};

const transport: fc.Arbitrary<Transport> = fc.record({
  contentType: fc.oneof(
    { weight: 20, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constant('application/json; charset=utf-8') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'APPLICATION/JSON',
        'application/vnd.api+json',
        'multipart/form-data; boundary=x',
        '*/*',
        'application/json;;;',
        'application/',
      ),
    },
  ),
  contentEncoding: fc.oneof({ weight: 20, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip') }),
  truncate: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ at: fc.double({ min: 0, max: 0.999, noNaN: true }), signedWhole: fc.boolean() }) }),
  shortContentLength: fc.oneof({ weight: 40, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  invalidUtf8: fc.oneof({ weight: 40, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (encodeURIComponent throws on them). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('') || '%20';
}

/** Where a KGC event goes and in which form. */
export type KgcRoute =
  | { kind: 'envelope' }
  | { kind: 'event_path'; bare: boolean }
  | { kind: 'wrong_event_path'; other: KgcEventType }
  | { kind: 'unknown_path'; segment: string };

const kgcRoute: fc.Arbitrary<KgcRoute> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'envelope' as const }) },
  { weight: 4, arbitrary: fc.boolean().map((bare) => ({ kind: 'event_path' as const, bare })) },
  { weight: 1, arbitrary: fc.constantFrom(...kgcEventTypes).map((other) => ({ kind: 'wrong_event_path' as const, other })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(oddString.map((s) => percentEncode(s.slice(0, 300))), fc.constantFrom('%00', '%E0%A4%A', '%FF', '%C0%AF', 'customer-created%00', '%2e%2e', 'customer.created', 'x'.repeat(5000)))
      .map((segment) => ({ kind: 'unknown_path' as const, segment })),
  },
);

/** Envelope-level changes: an unknown event name, odd ids and times, data that is not an object. */
export type EnvelopeChange =
  | { kind: 'event'; value: Json }
  | { kind: 'id'; value: Json | null }
  | { kind: 'occurred_at'; value: Json }
  | { kind: 'data'; value: Json | { deep: number; arrays: boolean } }
  | { kind: 'whole'; value: Json | { deep: number; arrays: boolean } };

const envelopeChange: fc.Arbitrary<EnvelopeChange> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(oddString, fc.constantFrom('customer.exploded', 'CUSTOMER.CREATED', 'customer.created ', 'toString', 'hasOwnProperty', '__proto__'), oddNumber, fc.constant(null)).map((value) => ({ kind: 'event' as const, value })) },
  { weight: 2, arbitrary: fc.oneof(oddString, oddNumber, fc.constant(null)).map((value) => ({ kind: 'id' as const, value })) },
  { weight: 1, arbitrary: fc.oneof(oddString, fc.constantFrom('2025-02-30', '2025-13-01T00:00:00Z', '99999-01-01', '2025-12-28T99:99:99Z'), oddNumber).map((value) => ({ kind: 'occurred_at' as const, value })) },
  { weight: 1, arbitrary: oddValue.map((value) => ({ kind: 'data' as const, value })) },
  { weight: 1, arbitrary: oddValue.map((value) => ({ kind: 'whole' as const, value })) },
);

export type KgcPlan = {
  target: 'kgc';
  event: KgcEventType;
  route: KgcRoute;
  withId: boolean;
  mutations: Mutation[];
  envelope: EnvelopeChange[];
  signing: Signing;
  transport: Transport;
};

export type ChatwootPlan = {
  target: 'chatwoot';
  shape: 'message_created' | 'conversation_event';
  mutations: Mutation[];
  envelope: EnvelopeChange[];
  delivery: string | null | 'fresh';
  signing: Signing;
  transport: Transport;
};

export type FuzzPlan = KgcPlan | ChatwootPlan;

const kgcPlan: fc.Arbitrary<KgcPlan> = fc.record({
  target: fc.constant('kgc' as const),
  event: fc.constantFrom(...kgcEventTypes),
  route: kgcRoute,
  withId: fc.boolean(),
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<never[]>([]) }, { weight: 6, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  envelope: fc.oneof({ weight: 5, arbitrary: fc.constant<never[]>([]) }, { weight: 1, arbitrary: fc.array(envelopeChange, { minLength: 1, maxLength: 2 }) }),
  signing,
  transport,
});

const chatwootPlan: fc.Arbitrary<ChatwootPlan> = fc.record({
  target: fc.constant('chatwoot' as const),
  shape: fc.constantFrom('message_created' as const, 'conversation_event' as const),
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<never[]>([]) }, { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  envelope: fc.oneof({ weight: 5, arbitrary: fc.constant<never[]>([]) }, { weight: 1, arbitrary: fc.array(envelopeChange, { minLength: 1, maxLength: 2 }) }),
  delivery: fc.oneof({ weight: 8, arbitrary: fc.constant('fresh' as const) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) }),
  signing,
  transport,
});

export const fuzzPlan: fc.Arbitrary<FuzzPlan> = fc.oneof({ weight: 4, arbitrary: kgcPlan }, { weight: 1, arbitrary: chatwootPlan });

/** A valid payload of each KGC event, every id carrying the request's token. */
export function validKgcData(event: KgcEventType, t: string): Record<string, Json> {
  const customer_id = `C-${t}`;
  const phone = '+36301234567';
  switch (event) {
    case 'customer.created':
      return { customer_id, name: 'Kovács János', phone, email: `${t}@example.hu`, company: null, is_business: false, created_at: '2025-12-28' };
    case 'customer.updated':
      return { customer_id, name: 'Kovács János', phone, email: `${t}@example.hu`, company: 'Kovács Bt.', is_business: true, created_at: '2025-12-28', payment_status: 'good' };
    case 'customer.deleted':
      return { customer_id, gdpr_reason: 'customer_request' };
    case 'rental.started':
      return { rental_id: `R-${t}`, customer_id, customer_phone: phone, machine_name: 'Makita fúró', rental_start: '2026-11-30', rental_end: '2026-12-05', status: 'active', late_days: 0 };
    case 'rental.ended':
      return { rental_id: `R-${t}`, customer_id, satisfaction_survey: true };
    case 'rental.completed':
      return { rental_id: `R-${t}`, customer_id, machine_name: 'Makita fúró', rental_start: '2025-11-30', rental_end: '2025-12-05', total_days: 5, total_cost: 25000, status: 'completed', late_days: 0 };
    case 'service.completed':
      return { worklog_id: `W-${t}`, customer_id, machine_type: 'Stihl láncfűrész', issue_description: 'Lánccsere', repair_cost: 12000, completed_at: '2025-12-20', status: 'completed' };
    case 'service.quote_ready':
      return { worklog_id: `W-${t}`, customer_id, machine_type: 'Stihl láncfűrész', quote_amount: 15000 };
    case 'service.repair_done':
      return { worklog_id: `W-${t}`, customer_phone: phone, machine_type: 'Stihl láncfűrész', pickup_info: 'Hétfőtől átvehető' };
    case 'order.delivered':
      return { order_id: `O-${t}`, customer_id, items: [{ sku: 'SKU-1', name: 'Fűrészlánc', quantity: 2, unit_price: 5000, total: 10000 }], total_amount: 10000, order_date: '2025-12-01', delivered_at: '2025-12-05' };
    case 'order.arrived':
      return { order_id: `O-${t}`, customer_id, items: [{ sku: 'SKU-1', name: 'Fűrészlánc', quantity: 1, status: 'arrived' }] };
    case 'worklog.status_changed':
      return { worklog_id: `W-${t}`, customer_id, status: 'repairing', status_hu: 'Javítás alatt' };
  }
}

/** A Chatwoot agent-bot webhook as Chatwoot ≥ 4.13 sends it (Webhooks::Trigger, EventDataPresenter). */
export function validChatwootBody(shape: ChatwootPlan['shape'], conversationId: number): Record<string, Json> {
  if (shape === 'conversation_event') return { event: 'conversation_status_changed', id: conversationId, status: 'open' };
  const contactId = conversationId + 1;
  return {
    event: 'message_created',
    id: conversationId * 10,
    content: 'Szia, mikor vagytok nyitva?',
    message_type: 'incoming',
    private: false,
    content_attributes: {},
    attachments: [],
    sender: { id: contactId, type: 'contact' },
    conversation: {
      id: conversationId,
      status: 'pending',
      channel: 'Channel::WebWidget',
      contact_inbox: { contact_id: contactId, source_id: 'src-1', hmac_verified: false },
      meta: { sender: { id: contactId } },
    },
  };
}

function materializeValue(v: Json | { deep: number; arrays: boolean }): Json | { __raw: string } {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'deep' in v && 'arrays' in v && typeof v.deep === 'number') {
    const [open, close] = v.arrays ? ['[', ']'] : ['{"a":', '}'];
    return { __raw: open.repeat(v.deep) + '1' + close.repeat(v.deep) };
  }
  return v as Json;
}

/** Leaf paths of a JSON value (containers included), in a stable order. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Json, path: Array<string | number>): { parent: any; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let node: any = root;
  for (const k of path.slice(0, -1)) node = node[k];
  return { parent: node, key: path[path.length - 1]! };
}

/** Raw JSON fragments (deep nesting) are spliced in after JSON.stringify, so no stack is spent building them. */
const rawMarker = (i: number) => `"__raw_fragment_${i}__"`;

function applyMutations(root: Json, mutations: Mutation[], raws: string[]): void {
  for (const m of mutations) {
    const all = paths(root).filter((p) => p.length > 0);
    if (all.length === 0) return;
    const path = all[m.at % all.length]!;
    const at = parentOf(root, path)!;
    const put = (value: Json | { deep: number; arrays: boolean }) => {
      const v = materializeValue(value);
      if (v && typeof v === 'object' && '__raw' in v) {
        raws.push(v.__raw as string);
        return `__raw_fragment_${raws.length - 1}__`;
      }
      return v;
    };
    if (m.op === 'delete') {
      if (Array.isArray(at.parent)) at.parent.splice(Number(at.key), 1);
      else delete at.parent[at.key];
    } else if (m.op === 'set') {
      at.parent[at.key] = put(m.value);
    } else if (m.op === 'extra') {
      const target = at.parent[at.key];
      const container = target && typeof target === 'object' && !Array.isArray(target) ? target : at.parent;
      if (Array.isArray(container)) container.push(put(m.value));
      else Object.defineProperty(container, m.key, { value: put(m.value), enumerable: true, configurable: true, writable: true });
    } else {
      const current = at.parent[at.key];
      at.parent[at.key] = typeof current === 'string' ? current.slice(0, current.length >> 1) + m.insert + current.slice(current.length >> 1) : m.insert;
    }
  }
}

function applyEnvelope(env: Record<string, Json>, changes: EnvelopeChange[], raws: string[]): Json {
  let whole: Json = env;
  for (const c of changes) {
    const v = materializeValue(c.value as Json);
    const value = v && typeof v === 'object' && '__raw' in v ? (raws.push(v.__raw as string), `__raw_fragment_${raws.length - 1}__`) : (v as Json);
    if (c.kind === 'whole') whole = value;
    else if (whole && typeof whole === 'object' && !Array.isArray(whole)) {
      if (c.kind === 'id' && c.value === null) delete whole.id;
      else whole[c.kind] = value;
    }
  }
  return whole;
}

function stringify(value: Json, raws: string[]): string {
  let s = JSON.stringify(value) ?? 'null';
  raws.forEach((raw, i) => {
    s = s.replace(rawMarker(i), raw);
  });
  return s;
}

export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Claimed Content-Length when the body is cut short on the wire. */
  contentLength?: number;
  /** What was meant to be sent, before transport damage: the valid or mutated JSON text. */
  intended: string;
  /** Plain description for a finding's report. */
  label: string;
  /** True when nothing was broken: a valid, correctly signed request that must be accepted. */
  pristine: boolean;
}

export interface Secrets {
  kgc: string;
  chatwoot: string;
}

const sign = (secret: string, ts: string, body: Buffer) => 'sha256=' + createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');

function signatureHeaders(s: Signing, secret: string, body: Buffer, names: { ts: string; sig: string }, nowMs: number, secondsOnly: boolean): Record<string, string> {
  const ts = secondsOnly || s.kind === 'seconds' ? String(Math.floor(nowMs / 1000)) : String(nowMs);
  const valid = { [names.ts]: ts, [names.sig]: sign(secret, ts, body) };
  switch (s.kind) {
    case 'valid':
    case 'seconds':
    case 'replay':
      return valid;
    case 'missing_timestamp':
      return { [names.sig]: valid[names.sig]! };
    case 'missing_signature':
      return { [names.ts]: ts };
    case 'random_hex':
      return { [names.ts]: ts, [names.sig]: `sha256=${s.hex}` };
    case 'other_secret':
      return { [names.ts]: ts, [names.sig]: sign('another-secret-entirely', ts, body) };
    case 'other_body':
      return { [names.ts]: ts, [names.sig]: sign(secret, ts, Buffer.concat([body, Buffer.from(' ')])) };
    case 'sha1_prefix':
      return { [names.ts]: ts, [names.sig]: valid[names.sig]!.replace('sha256=', 'sha1=') };
    case 'uppercase_hex':
      return { [names.ts]: ts, [names.sig]: 'sha256=' + valid[names.sig]!.slice(7).toUpperCase() };
    case 'skewed': {
      const skewed = secondsOnly ? String(Math.max(0, Math.floor(nowMs / 1000) + s.offsetSeconds)) : String(Math.max(0, nowMs + s.offsetSeconds * 1000));
      return { [names.ts]: skewed, [names.sig]: sign(secret, skewed, body) };
    }
    case 'bad_timestamp': {
      // Header values must be Latin-1 without control characters to go on the wire at all.
      const value = Buffer.from(s.value, 'latin1').toString('latin1').replace(/[^\x20-\x7e\xa0-\xff]/g, '?') || '?';
      return { [names.ts]: value, [names.sig]: sign(secret, value, body) };
    }
  }
}

function applyTransport(t: Transport, body: Buffer): { body: Buffer; signedBody: Buffer; headers: Record<string, string>; contentLength?: number } {
  let sent = t.invalidUtf8 ? Buffer.concat([body.subarray(0, body.length >> 1), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), body.subarray(body.length >> 1)]) : body;
  let signedBody = sent;
  if (t.truncate) {
    const cut = sent.subarray(0, Math.floor(sent.length * t.truncate.at));
    signedBody = t.truncate.signedWhole ? sent : cut;
    sent = cut;
  }
  const headers: Record<string, string> = {};
  if (t.contentType !== null) headers['Content-Type'] = t.contentType;
  if (t.contentEncoding !== null) headers['Content-Encoding'] = t.contentEncoding;
  return { body: sent, signedBody, headers, ...(t.shortContentLength && { contentLength: sent.length + 1 + (sent.length >> 2) }) };
}

/**
 * The bytes of one planned request. `token` goes into every id (KGC) and `conversationId` is the request's own
 * Chatwoot conversation. A replay re-sends `previous` (the last request sent) unchanged.
 */
export function materialize(plan: FuzzPlan, token: string, conversationId: number, secrets: Secrets, nowMs = Date.now()): FuzzRequest {
  const raws: string[] = [];
  let path: string;
  let intendedJson: Json;
  const damaged = plan.mutations.length > 0 || plan.envelope.length > 0;
  if (plan.target === 'kgc') {
    const data = validKgcData(plan.event, token);
    applyMutations(data, plan.mutations, raws);
    const envelope: Record<string, Json> = { event: plan.event, ...(plan.withId && { id: `evt-${token}` }), occurred_at: '2026-12-01T10:00:00Z', data };
    const r = plan.route;
    if (r.kind === 'envelope') path = '/webhooks/kgc';
    else if (r.kind === 'event_path') path = `/webhook/kgc/${eventPathSegment(plan.event)}`;
    else if (r.kind === 'wrong_event_path') path = `/webhook/kgc/${eventPathSegment(r.other)}`;
    else path = `/webhook/kgc/${r.segment}`;
    intendedJson = r.kind === 'event_path' && r.bare && plan.envelope.length === 0 ? data : applyEnvelope(envelope, plan.envelope, raws);
  } else {
    path = '/webhooks/chatwoot';
    const body = validChatwootBody(plan.shape, conversationId);
    applyMutations(body, plan.mutations, raws);
    intendedJson = applyEnvelope(body, plan.envelope.filter((c) => c.kind !== 'data'), raws);
  }
  const intended = stringify(intendedJson, raws);
  const t = applyTransport(plan.transport, Buffer.from(intended, 'utf8'));
  const secret = plan.target === 'kgc' ? secrets.kgc : secrets.chatwoot;
  const names = plan.target === 'kgc' ? { ts: 'X-KGC-Timestamp', sig: 'X-KGC-Signature' } : { ts: 'X-Chatwoot-Timestamp', sig: 'X-Chatwoot-Signature' };
  const headers = { ...t.headers, ...signatureHeaders(plan.signing, secret, t.signedBody, names, nowMs, plan.target === 'chatwoot') };
  if (plan.target === 'chatwoot' && plan.delivery !== null) headers['X-Chatwoot-Delivery'] = plan.delivery === 'fresh' ? `dlv-${token}` : plan.delivery;
  const tr = plan.transport;
  const transportBroken = tr.contentType === null || !/^application\/json(; charset=utf-8)?$/i.test(tr.contentType) || tr.contentEncoding !== null || tr.truncate !== null || tr.shortContentLength || tr.invalidUtf8;
  const signingBroken = !['valid', 'seconds', 'replay'].includes(plan.signing.kind);
  const routeBroken = plan.target === 'kgc' && (plan.route.kind === 'wrong_event_path' || plan.route.kind === 'unknown_path');
  return {
    path,
    headers,
    body: t.body,
    ...(t.contentLength !== undefined && { contentLength: t.contentLength }),
    intended,
    label: describe(plan),
    pristine: plan.target === 'kgc' && !damaged && !transportBroken && !signingBroken && !routeBroken,
  };
}

function describe(plan: FuzzPlan): string {
  const parts: string[] = [plan.target === 'kgc' ? `${plan.event} via ${plan.route.kind}` : `chatwoot ${plan.shape}`];
  if (plan.mutations.length) parts.push(`mutations ${plan.mutations.map((m) => m.op).join('+')}`);
  if (plan.envelope.length) parts.push(`envelope ${plan.envelope.map((c) => c.kind).join('+')}`);
  if (plan.signing.kind !== 'valid') parts.push(`signing ${plan.signing.kind}`);
  const tr = plan.transport;
  if (tr.contentType !== 'application/json') parts.push(`content-type ${tr.contentType}`);
  if (tr.contentEncoding) parts.push(`encoding ${tr.contentEncoding}`);
  if (tr.truncate) parts.push(`truncated${tr.truncate.signedWhole ? ' (signed whole)' : ''}`);
  if (tr.shortContentLength) parts.push('short body for its Content-Length');
  if (tr.invalidUtf8) parts.push('invalid UTF-8');
  return parts.join(', ');
}
