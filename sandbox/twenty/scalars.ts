import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** Twenty accepts caller-chosen UUIDs of versions 1–5 only. */
const UUID_V1_TO_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_V1_TO_V5.test(v);

function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      return undefined;
  }
}

function stringScalar(name: string, check: (v: string) => boolean, error: (v: unknown) => string): GraphQLScalarType {
  const parse = (v: unknown) => {
    if (typeof v !== 'string' || !check(v)) throw new GraphQLError(error(v));
    return v;
  };
  return new GraphQLScalarType({ name, serialize: (v) => v, parseValue: parse, parseLiteral: (ast) => parse(literal(ast)) });
}

export const UUIDScalar = stringScalar('UUID', (v) => UUID_V1_TO_V5.test(v), (v) => `Invalid UUID: ${String(v)}`);

export const DateTimeScalar = stringScalar(
  'DateTime',
  (v) => !Number.isNaN(Date.parse(v)),
  (v) => `Invalid date-time: ${String(v)}`,
);

export const DateScalar = stringScalar('Date', (v) => /^\d{4}-\d{2}-\d{2}/.test(v), (v) => `Invalid date: ${String(v)}`);

/** amountMicros goes out as a JSON number and comes in as a number or a numeric string. */
export const BigFloatScalar = new GraphQLScalarType({
  name: 'BigFloat',
  serialize: (v) => (v === null || v === undefined ? null : Number(v)),
  parseValue: (v) => {
    if (v === null) return null;
    const n = Number(v);
    if ((typeof v !== 'number' && typeof v !== 'string') || Number.isNaN(n)) throw new GraphQLError(`Invalid BigFloat: ${String(v)}`);
    return n;
  },
  parseLiteral: (ast) => {
    const n = Number(literal(ast));
    if (Number.isNaN(n)) throw new GraphQLError('Invalid BigFloat');
    return n;
  },
});

export const RawJSONScalar = new GraphQLScalarType({
  name: 'RawJSONScalar',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast) => literal(ast),
});

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast) => literal(ast),
});
