import { buildSchema, type GraphQLSchema } from 'graphql';
import { FIELD_TYPES, type CreateFieldInput, type CreateObjectInput, type FieldMeta, type MetadataModel, type ObjectMeta } from './metadata-model.js';

/** Mirrors Twenty's metadata API (nestjs-query connections: paging defaults to 10, at most 1000). */
const SDL = /* GraphQL */ `
  scalar UUID
  scalar DateTime
  scalar JSON
  scalar ConnectionCursor

  enum FieldMetadataType { ${FIELD_TYPES.join(' ')} }
  enum RelationType { ONE_TO_MANY MANY_TO_ONE }

  input CursorPaging { before: ConnectionCursor after: ConnectionCursor first: Int last: Int }
  input UUIDFilterComparison { eq: UUID neq: UUID in: [UUID!] notIn: [UUID!] }
  input BooleanFieldComparison { is: Boolean isNot: Boolean }
  input ObjectFilter {
    and: [ObjectFilter!] or: [ObjectFilter!] id: UUIDFilterComparison
    isCustom: BooleanFieldComparison isActive: BooleanFieldComparison isSystem: BooleanFieldComparison
    isRemote: BooleanFieldComparison isSearchable: BooleanFieldComparison
  }
  input FieldFilter {
    and: [FieldFilter!] or: [FieldFilter!] id: UUIDFilterComparison
    isCustom: BooleanFieldComparison isActive: BooleanFieldComparison isSystem: BooleanFieldComparison
  }

  type PageInfo { hasNextPage: Boolean hasPreviousPage: Boolean startCursor: ConnectionCursor endCursor: ConnectionCursor }

  type RelationObject { id: UUID! nameSingular: String! namePlural: String! }
  type RelationField { id: UUID! name: String! }
  type Relation {
    type: RelationType!
    sourceObjectMetadata: RelationObject! targetObjectMetadata: RelationObject!
    sourceFieldMetadata: RelationField! targetFieldMetadata: RelationField!
  }

  type Field {
    id: UUID! type: FieldMetadataType! name: String! label: String! description: String icon: String
    isCustom: Boolean isActive: Boolean isSystem: Boolean isNullable: Boolean isUnique: Boolean
    defaultValue: JSON options: JSON settings: JSON objectMetadataId: UUID!
    createdAt: DateTime! updatedAt: DateTime! relation: Relation
  }
  type FieldEdge { node: Field! cursor: ConnectionCursor! }
  type ObjectFieldsConnection { pageInfo: PageInfo! edges: [FieldEdge!]! }
  type FieldConnection { pageInfo: PageInfo! edges: [FieldEdge!]! }

  type Object {
    id: UUID! nameSingular: String! namePlural: String! labelSingular: String! labelPlural: String!
    description: String icon: String isCustom: Boolean! isRemote: Boolean! isActive: Boolean! isSystem: Boolean!
    isUIReadOnly: Boolean! isSearchable: Boolean! isLabelSyncedWithName: Boolean!
    labelIdentifierFieldMetadataId: UUID imageIdentifierFieldMetadataId: UUID
    createdAt: DateTime! updatedAt: DateTime!
    fields(paging: CursorPaging! = { first: 10 }, filter: FieldFilter! = {}): ObjectFieldsConnection!
    fieldsList: [Field!]!
  }
  type ObjectEdge { node: Object! cursor: ConnectionCursor! }
  type ObjectConnection { pageInfo: PageInfo! edges: [ObjectEdge!]! }

  input CreateObjectInput {
    nameSingular: String! namePlural: String! labelSingular: String! labelPlural: String!
    description: String icon: String shortcut: String isLabelSyncedWithName: Boolean isRemote: Boolean
  }
  input CreateOneObjectInput { object: CreateObjectInput! }
  input CreateFieldInput {
    objectMetadataId: UUID! type: FieldMetadataType! name: String! label: String!
    description: String icon: String isCustom: Boolean isActive: Boolean isSystem: Boolean isNullable: Boolean
    isUnique: Boolean isLabelSyncedWithName: Boolean defaultValue: JSON options: JSON settings: JSON
    relationCreationPayload: JSON
  }
  input CreateOneFieldMetadataInput { field: CreateFieldInput! }

  type Query {
    objects(paging: CursorPaging! = { first: 10 }, filter: ObjectFilter! = {}): ObjectConnection!
    object(id: UUID!): Object!
    fields(paging: CursorPaging! = { first: 10 }, filter: FieldFilter! = {}): FieldConnection!
    field(id: UUID!): Field!
  }
  type Mutation {
    createOneObject(input: CreateOneObjectInput!): Object!
    createOneField(input: CreateOneFieldMetadataInput!): Field!
  }
`;

interface Paging {
  first?: number;
  last?: number;
  after?: string;
  before?: string;
}

type Comparison = { eq?: unknown; neq?: unknown; in?: unknown[]; notIn?: unknown[]; is?: boolean; isNot?: boolean };
type MetaFilter = { and?: MetaFilter[]; or?: MetaFilter[] } & Record<string, Comparison | MetaFilter[] | undefined>;

function matches(item: Record<string, unknown>, filter: MetaFilter): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === 'and') return (cond as MetaFilter[]).every((f) => matches(item, f));
    if (key === 'or') return (cond as MetaFilter[]).some((f) => matches(item, f));
    const c = (cond ?? {}) as Comparison;
    const v = item[key];
    return (
      (c.eq === undefined || v === c.eq) &&
      (c.neq === undefined || v !== c.neq) &&
      (c.in === undefined || c.in.includes(v)) &&
      (c.notIn === undefined || !c.notIn.includes(v)) &&
      (c.is === undefined || v === c.is) &&
      (c.isNot === undefined || v !== c.isNot)
    );
  });
}

/** nestjs-query's offset cursors ("arrayconnection:N" in base64). */
function connection<T>(items: T[], paging: Paging) {
  const offsetOf = (c: string) => Number(Buffer.from(c, 'base64').toString('utf8').split(':')[1]);
  const start = paging.after ? offsetOf(paging.after) + 1 : 0;
  const end = paging.before ? offsetOf(paging.before) : items.length;
  const size = Math.min(paging.first ?? paging.last ?? 10, 1000);
  const from = paging.last !== undefined && paging.first === undefined ? Math.max(start, end - size) : start;
  const to = Math.min(end, from + size);
  const cursor = (i: number) => Buffer.from(`arrayconnection:${i}`).toString('base64');
  const edges = items.slice(from, to).map((node, i) => ({ node, cursor: cursor(from + i) }));
  return {
    edges,
    pageInfo: { hasNextPage: to < end, hasPreviousPage: from > start, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

function fieldView(model: MetadataModel, f: FieldMeta) {
  const source = model.objectById(f.objectMetadataId);
  const target = f.relation && model.objectById(f.relation.targetObjectId);
  const targetField = target?.fields.find((x) => x.id === f.relation?.targetFieldId);
  const objectRef = (o: ObjectMeta) => ({ id: o.id, nameSingular: o.nameSingular, namePlural: o.namePlural });
  return {
    ...f,
    settings: f.relation ? { relationType: f.relation.type, onDelete: f.relation.onDelete, joinColumnName: f.relation.type === 'MANY_TO_ONE' ? `${f.name}Id` : undefined } : null,
    relation:
      f.relation && source && target && targetField
        ? {
            type: f.relation.type,
            sourceObjectMetadata: objectRef(source),
            targetObjectMetadata: objectRef(target),
            sourceFieldMetadata: { id: f.id, name: f.name },
            targetFieldMetadata: { id: targetField.id, name: targetField.name },
          }
        : null,
  };
}

function objectView(model: MetadataModel, o: ObjectMeta) {
  const fields = () => o.fields.map((f) => fieldView(model, f));
  return {
    ...o,
    isRemote: false,
    isUIReadOnly: false,
    isSearchable: true,
    isLabelSyncedWithName: false,
    labelIdentifierFieldMetadataId: o.fields.find((f) => f.name === 'name')?.id ?? null,
    imageIdentifierFieldMetadataId: null,
    fields: (args: { paging: Paging; filter: MetaFilter }) => connection(fields().filter((f) => matches(f, args.filter)), args.paging),
    fieldsList: fields,
  };
}

export function buildMetadataSchema(): GraphQLSchema {
  return buildSchema(SDL);
}

/** Root resolvers for graphql-js's rootValue; nested `fields` is a method on each object view. */
export function metadataRoot(model: MetadataModel) {
  const objectOrThrow = (id: string) => {
    const o = model.objectById(id);
    if (!o) throw new Error('Object does not exist');
    return o;
  };
  const allFields = () => model.objects.flatMap((o) => o.fields);
  return {
    objects: (args: { paging: Paging; filter: MetaFilter }) =>
      connection(model.objects.map((o) => objectView(model, o)).filter((o) => matches(o, args.filter)), args.paging),
    object: (args: { id: string }) => objectView(model, objectOrThrow(args.id)),
    fields: (args: { paging: Paging; filter: MetaFilter }) =>
      connection(allFields().map((f) => fieldView(model, f)).filter((f) => matches(f, args.filter)), args.paging),
    field: (args: { id: string }) => {
      const f = allFields().find((x) => x.id === args.id);
      if (!f) throw new Error('Field does not exist');
      return fieldView(model, f);
    },
    createOneObject: (args: { input: { object: CreateObjectInput } }) => objectView(model, model.createObject(args.input.object)),
    createOneField: (args: { input: { field: CreateFieldInput } }) => fieldView(model, model.createField(args.input.field)),
  };
}
