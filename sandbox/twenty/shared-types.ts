import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLInputType,
  type GraphQLScalarType,
} from 'graphql';
import { COMPOSITES, type SubFieldKind } from './composites.js';
import { BigFloatScalar, DateScalar, DateTimeScalar, RawJSONScalar, UUIDScalar } from './scalars.js';

interface CompositeTypes {
  output: GraphQLObjectType;
  create: GraphQLInputObjectType;
  update: GraphQLInputObjectType;
  filter: GraphQLInputObjectType;
  orderBy: GraphQLInputObjectType;
}

const SUB_SCALAR: Record<SubFieldKind, GraphQLScalarType> = { text: GraphQLString, json: RawJSONScalar, bigfloat: BigFloatScalar };

/** Types that do not depend on the data model; built once per schema because graphql-js types belong to one schema. */
export function buildSharedTypes() {
  const FilterIs = new GraphQLEnumType({ name: 'FilterIs', values: { NULL: {}, NOT_NULL: {} } });
  const OrderByDirection = new GraphQLEnumType({
    name: 'OrderByDirection',
    values: { AscNullsFirst: {}, AscNullsLast: {}, DescNullsFirst: {}, DescNullsLast: {} },
  });

  const comparisonFilter = (name: string, scalar: GraphQLInputType, ops: string[]) =>
    new GraphQLInputObjectType({
      name,
      fields: () => ({
        ...Object.fromEntries(
          ops.map((op) => [op, { type: op === 'in' ? new GraphQLList(new GraphQLNonNull(scalar)) : scalar }]),
        ),
        is: { type: FilterIs },
      }),
    });

  const ordinal = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in'];
  const filters = {
    StringFilter: comparisonFilter('StringFilter', GraphQLString, [...ordinal, 'like', 'ilike', 'startsWith', 'endsWith', 'regex', 'iregex']),
    UUIDFilter: comparisonFilter('UUIDFilter', UUIDScalar, ordinal),
    FloatFilter: comparisonFilter('FloatFilter', GraphQLFloat, ordinal),
    BigFloatFilter: comparisonFilter('BigFloatFilter', BigFloatScalar, ordinal),
    BooleanFilter: comparisonFilter('BooleanFilter', GraphQLBoolean, ['eq']),
    DateFilter: comparisonFilter('DateFilter', DateScalar, ordinal),
    DateTimeFilter: comparisonFilter('DateTimeFilter', DateTimeScalar, ordinal),
    RawJsonFilter: comparisonFilter('RawJsonFilter', GraphQLString, ['like']),
  };
  const subFilter = { text: filters.StringFilter, json: filters.RawJsonFilter, bigfloat: filters.BigFloatFilter };

  const composite: Record<string, CompositeTypes> = Object.fromEntries(
    Object.entries(COMPOSITES).map(([type, def]): [string, CompositeTypes] => {
      const subs = def.subFields;
      const inputFields = () => Object.fromEntries(subs.map((s) => [s.name, { type: SUB_SCALAR[s.kind] }]));
      return [
        type,
        {
          output: new GraphQLObjectType({ name: def.typeName, fields: inputFields }),
          create: new GraphQLInputObjectType({ name: `${def.typeName}CreateInput`, fields: inputFields }),
          update: new GraphQLInputObjectType({ name: `${def.typeName}UpdateInput`, fields: inputFields }),
          filter: new GraphQLInputObjectType({
            name: `${def.typeName}Filter`,
            fields: () => Object.fromEntries(subs.map((s) => [s.name, { type: subFilter[s.kind] }])),
          }),
          orderBy: new GraphQLInputObjectType({
            name: `${def.typeName}OrderByInput`,
            fields: () => Object.fromEntries(subs.filter((s) => s.kind !== 'json').map((s) => [s.name, { type: OrderByDirection }])),
          }),
        },
      ];
    }),
  );

  const Actor = new GraphQLObjectType({
    name: 'Actor',
    fields: { source: { type: GraphQLString }, workspaceMemberId: { type: UUIDScalar }, name: { type: GraphQLString }, context: { type: RawJSONScalar } },
  });

  const PageInfo = new GraphQLObjectType({
    name: 'PageInfo',
    fields: {
      hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      hasPreviousPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      startCursor: { type: GraphQLString },
      endCursor: { type: GraphQLString },
    },
  });

  return { FilterIs, OrderByDirection, filters, composite, Actor, PageInfo };
}

export type SharedTypes = ReturnType<typeof buildSharedTypes>;
