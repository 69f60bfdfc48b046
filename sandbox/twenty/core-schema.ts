import { GraphQLBoolean, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, type GraphQLFieldConfig } from 'graphql';
import type { Filter } from './filter.js';
import { findMany, findOne, matching, type FindManyArgs } from './find.js';
import type { MetadataModel, ObjectMeta } from './metadata-model.js';
import * as write from './mutations.js';
import { pascal } from './naming.js';
import { buildObjectTypes, connectionArgs, type ObjectTypes } from './object-types.js';
import type { Rec } from './record-store.js';
import { UUIDScalar } from './scalars.js';
import { buildSharedTypes } from './shared-types.js';

/** The object-record permissions of a role that a root resolver needs (create and update both need `update`). */
export type RecordPermission = 'read' | 'update' | 'softDelete' | 'destroy';

export interface CoreContext {
  /** Takes one rate-limit token; throws LIMIT_REACHED when a bucket is empty. */
  throttle(): void;
  /** Throws FORBIDDEN when the API key's role lacks the permission (checked after the token is taken, as Twenty does). */
  permit(permission: RecordPermission): void;
}

type Args = Record<string, unknown>;
type Field = GraphQLFieldConfig<unknown, CoreContext, Args>;

/** The workspace schema, generated from the data model exactly like Twenty's workspace-schema-builder names it. */
export function buildCoreSchema(model: MetadataModel, ctx: write.WriteContext): GraphQLSchema {
  const shared = buildSharedTypes();
  const types = new Map<string, ObjectTypes>();
  const lookup = (id: string) => types.get(id) as ObjectTypes;
  const relations = {
    manyToOne: (field: { name: string; relation: { targetObjectId: string } | null }, parent: Rec) => {
      const target = model.objectById(field.relation?.targetObjectId ?? '');
      const id = parent[`${field.name}Id`];
      const row = target && typeof id === 'string' ? ctx.store.of(target).rows.get(id) : undefined;
      return row && row.deletedAt === null ? row : null;
    },
    oneToMany: (field: { relation: { targetObjectId: string; targetFieldId: string } | null }, parent: Rec, args: Args) => {
      const target = model.objectById(field.relation?.targetObjectId ?? '') as ObjectMeta;
      const inverse = target.fields.find((f) => f.id === field.relation?.targetFieldId);
      const column = `${inverse?.name}Id`;
      return findMany(ctx.store.of(target), args as FindManyArgs, ctx.maxBatch, (r) => r[column] === parent.id);
    },
  };
  for (const meta of model.objects) types.set(meta.id, buildObjectTypes(meta, shared, lookup, relations));

  const query: Record<string, Field> = {};
  const mutation: Record<string, Field> = {};
  const limited =
    (permission: RecordPermission, run: (args: Args) => unknown): Field['resolve'] =>
    (_src, args, context) => {
      context.throttle();
      context.permit(permission);
      return run(args);
    };

  for (const t of types.values()) {
    const { meta } = t;
    const records = () => ctx.store.of(meta);
    const P = pascal(meta.nameSingular);
    const Plural = pascal(meta.namePlural);
    const one = t.output;
    const many = new GraphQLList(one);
    const byId = { id: { type: new GraphQLNonNull(UUIDScalar) } };
    const byFilter = { filter: { type: new GraphQLNonNull(t.filter) } };
    const filterOf = (args: Args) => args.filter as Filter;
    const id = (args: Args) => args.id as string;

    query[meta.namePlural] = {
      type: new GraphQLNonNull(t.connection),
      args: connectionArgs(() => t),
      resolve: limited('read', (args) => findMany(records(), args as FindManyArgs, ctx.maxBatch)),
    };
    query[meta.nameSingular] = { type: one, args: byFilter, resolve: limited('read', (args) => findOne(records(), filterOf(args))) };

    const upsertArg = { upsert: { type: GraphQLBoolean } };
    mutation[`create${P}`] = {
      type: one,
      args: { data: { type: new GraphQLNonNull(t.create) }, ...upsertArg },
      resolve: limited('update', (args) => write.createMany(ctx, meta, [args.data as Args], args.upsert === true)[0]),
    };
    mutation[`create${Plural}`] = {
      type: many,
      args: { data: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(t.create))) }, ...upsertArg },
      resolve: limited('update', (args) => write.createMany(ctx, meta, args.data as Args[], args.upsert === true)),
    };
    mutation[`update${P}`] = {
      type: one,
      args: { ...byId, data: { type: new GraphQLNonNull(t.update) } },
      resolve: limited('update', (args) => write.updateOne(ctx, meta, id(args), args.data as Args)),
    };
    mutation[`update${Plural}`] = {
      type: many,
      args: { ...byFilter, data: { type: new GraphQLNonNull(t.update) } },
      resolve: limited('update', (args) => write.updateMany(ctx, meta, filterOf(args), args.data as Args)),
    };
    mutation[`delete${P}`] = { type: one, args: byId, resolve: limited('softDelete', (args) => write.deleteOne(ctx, meta, id(args))) };
    mutation[`delete${Plural}`] = {
      type: many,
      args: byFilter,
      resolve: limited('softDelete', (args) => write.softDelete(ctx, meta, matching(records(), filterOf(args)))),
    };
    mutation[`destroy${P}`] = {
      type: one,
      args: byId,
      resolve: limited('destroy', (args) => write.destroy(ctx, meta, [write.rowIncludingDeleted(ctx, meta, id(args))])[0]),
    };
    mutation[`destroy${Plural}`] = {
      type: many,
      args: byFilter,
      resolve: limited('destroy', (args) => write.destroy(ctx, meta, matching(records(), filterOf(args), undefined, true))),
    };
    mutation[`restore${P}`] = {
      type: one,
      args: byId,
      resolve: limited('softDelete', (args) => write.restore(ctx, meta, [write.rowIncludingDeleted(ctx, meta, id(args))])[0]),
    };
    mutation[`restore${Plural}`] = {
      type: many,
      args: byFilter,
      resolve: limited('softDelete', (args) => write.restore(ctx, meta, matching(records(), filterOf(args), (r) => r.deletedAt !== null, true))),
    };
  }

  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }),
  });
}
