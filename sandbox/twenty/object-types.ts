import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfig,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import type { FieldMeta, FieldType, ObjectMeta } from './metadata-model.js';
import { pascal } from './naming.js';
import type { Rec } from './record-store.js';
import { DateScalar, DateTimeScalar, UUIDScalar } from './scalars.js';
import type { SharedTypes } from './shared-types.js';

export interface ObjectTypes {
  meta: ObjectMeta;
  output: GraphQLObjectType;
  connection: GraphQLObjectType;
  create: GraphQLInputObjectType;
  update: GraphQLInputObjectType;
  filter: GraphQLInputObjectType;
  orderBy: GraphQLInputObjectType;
}

/** Resolvers for relation fields, supplied by the schema so these types stay free of storage concerns. */
export interface RelationResolvers {
  manyToOne(field: FieldMeta, parent: Rec): Rec | null;
  oneToMany(field: FieldMeta, parent: Rec, args: Record<string, unknown>): unknown;
}

const SCALARS: Partial<Record<FieldType, { out: GraphQLOutputType & GraphQLInputType; filter: keyof SharedTypes['filters'] }>> = {
  UUID: { out: UUIDScalar, filter: 'UUIDFilter' },
  TEXT: { out: GraphQLString, filter: 'StringFilter' },
  NUMBER: { out: GraphQLFloat, filter: 'FloatFilter' },
  POSITION: { out: GraphQLFloat, filter: 'FloatFilter' },
  BOOLEAN: { out: GraphQLBoolean, filter: 'BooleanFilter' },
  DATE: { out: DateScalar, filter: 'DateFilter' },
  DATE_TIME: { out: DateTimeScalar, filter: 'DateTimeFilter' },
};

const NON_NULL_OUTPUTS = new Set(['id', 'createdAt', 'updatedAt']);

export function connectionArgs(t: () => ObjectTypes): GraphQLFieldConfigArgumentMap {
  return {
    filter: { type: t().filter },
    orderBy: { type: new GraphQLList(t().orderBy) },
    first: { type: GraphQLInt },
    last: { type: GraphQLInt },
    after: { type: GraphQLString },
    before: { type: GraphQLString },
    limit: { type: GraphQLInt },
  };
}

/** Builds Person/PersonConnection/PersonCreateInput/... for one object, naming them as Twenty's type-key utils do. */
export function buildObjectTypes(
  meta: ObjectMeta,
  shared: SharedTypes,
  lookup: (objectId: string) => ObjectTypes,
  relations: RelationResolvers,
): ObjectTypes {
  const P = pascal(meta.nameSingular);
  const enums = new Map<string, GraphQLEnumType>();
  const enumFilters = new Map<string, GraphQLInputObjectType>();
  for (const f of meta.fields.filter((x) => x.type === 'SELECT')) {
    const e = new GraphQLEnumType({
      name: `${P}${pascal(f.name)}Enum`,
      values: Object.fromEntries((f.options ?? []).map((o) => [o.value, { value: o.value, description: o.label }])),
    });
    enums.set(f.name, e);
    enumFilters.set(
      f.name,
      new GraphQLInputObjectType({
        name: `${e.name}Filter`,
        fields: {
          eq: { type: e },
          neq: { type: e },
          in: { type: new GraphQLList(e) },
          containsAny: { type: new GraphQLList(e) },
          is: { type: shared.FilterIs },
          isEmptyArray: { type: GraphQLBoolean },
        },
      }),
    );
  }

  const inputFor = (kind: 'create' | 'update' | 'filter' | 'orderBy') => () => {
    const fields: Record<string, GraphQLInputFieldConfig> = {};
    if (kind === 'filter') {
      fields.and = { type: new GraphQLList(self.filter) };
      fields.or = { type: new GraphQLList(self.filter) };
      fields.not = { type: self.filter };
    }
    for (const f of meta.fields) {
      const composite = shared.composite[f.type];
      const scalar = SCALARS[f.type];
      const enumType = enums.get(f.name);
      if (f.type === 'ACTOR') continue;
      if (f.type === 'RELATION') {
        if (f.relation?.type !== 'MANY_TO_ONE') continue;
        const column = `${f.name}Id`;
        fields[column] = { type: kind === 'filter' ? shared.filters.UUIDFilter : kind === 'orderBy' ? shared.OrderByDirection : UUIDScalar };
      } else if (composite) {
        fields[f.name] = { type: composite[kind] };
      } else if (kind === 'orderBy') {
        fields[f.name] = { type: shared.OrderByDirection };
      } else if (kind === 'filter') {
        fields[f.name] = { type: enumFilters.get(f.name) ?? shared.filters[scalar?.filter ?? 'StringFilter'] };
      } else if (!(kind === 'update' && f.name === 'id')) {
        fields[f.name] = { type: enumType ?? scalar?.out ?? GraphQLString };
      }
    }
    return fields;
  };

  const outputFields = () => {
    const fields: Record<string, GraphQLFieldConfig<Rec, unknown>> = {};
    for (const f of meta.fields) {
      const composite = shared.composite[f.type];
      if (f.type === 'ACTOR') {
        fields[f.name] = { type: shared.Actor };
      } else if (f.type === 'RELATION' && f.relation) {
        const target = () => lookup(f.relation!.targetObjectId);
        if (f.relation.type === 'MANY_TO_ONE') {
          fields[`${f.name}Id`] = { type: UUIDScalar };
          fields[f.name] = { type: target().output, resolve: (parent) => relations.manyToOne(f, parent) };
        } else {
          fields[f.name] = {
            type: new GraphQLNonNull(target().connection),
            args: connectionArgs(target),
            resolve: (parent, args) => relations.oneToMany(f, parent, args),
          };
        }
      } else {
        const type = enums.get(f.name) ?? composite?.output ?? SCALARS[f.type]?.out ?? GraphQLString;
        fields[f.name] = { type: NON_NULL_OUTPUTS.has(f.name) ? new GraphQLNonNull(type) : type };
      }
    }
    return fields;
  };

  const output = new GraphQLObjectType({ name: P, fields: outputFields });
  const edge = new GraphQLObjectType({
    name: `${P}Edge`,
    fields: { node: { type: new GraphQLNonNull(output) }, cursor: { type: new GraphQLNonNull(GraphQLString) } },
  });
  const self: ObjectTypes = {
    meta,
    output,
    connection: new GraphQLObjectType({
      name: `${P}Connection`,
      fields: {
        edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))) },
        pageInfo: { type: new GraphQLNonNull(shared.PageInfo) },
        totalCount: { type: new GraphQLNonNull(GraphQLInt) },
      },
    }),
    create: new GraphQLInputObjectType({ name: `${P}CreateInput`, fields: inputFor('create') }),
    update: new GraphQLInputObjectType({ name: `${P}UpdateInput`, fields: inputFor('update') }),
    filter: new GraphQLInputObjectType({ name: `${P}FilterInput`, fields: inputFor('filter') }),
    orderBy: new GraphQLInputObjectType({ name: `${P}OrderByInput`, fields: inputFor('orderBy') }),
  };
  return self;
}
