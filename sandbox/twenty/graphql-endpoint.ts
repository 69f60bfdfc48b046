import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

interface Prepared {
  document?: DocumentNode;
  errors?: readonly GraphQLError[];
  code?: string;
}

export interface GraphQLBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Resolver errors that are not Twenty's own would be surfaced by Nest as INTERNAL_SERVER_ERROR. */
function format(error: GraphQLError, fallbackCode: string) {
  const json = error.toJSON();
  const code = json.extensions?.code ?? (error.originalError && !(error.originalError instanceof GraphQLError) ? 'INTERNAL_SERVER_ERROR' : fallbackCode);
  return { ...json, extensions: { ...json.extensions, code } };
}

/**
 * Parses and validates each distinct query text once per schema version: bulk loads send the same mutation
 * thousands of times, and validation dominates the cost of a small request.
 */
export class GraphQLEndpoint<Ctx> {
  private cache = new Map<string, Prepared>();
  private cachedFor = -1;

  constructor(
    private readonly schema: () => { schema: GraphQLSchema; version: number },
    private readonly rootValue: () => unknown = () => undefined,
  ) {}

  private prepare(query: string, schema: GraphQLSchema, version: number): Prepared {
    if (version !== this.cachedFor || this.cache.size > 2_000) {
      this.cache = new Map();
      this.cachedFor = version;
    }
    let prepared = this.cache.get(query);
    if (!prepared) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        prepared = errors.length > 0 ? { errors, code: 'GRAPHQL_VALIDATION_FAILED' } : { document };
      } catch (err) {
        prepared = { errors: [err as GraphQLError], code: 'GRAPHQL_PARSE_FAILED' };
      }
      this.cache.set(query, prepared);
    }
    return prepared;
  }

  async run(body: GraphQLBody, contextValue: Ctx): Promise<Record<string, unknown>> {
    if (typeof body.query !== 'string') {
      return { errors: [{ message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST' } }] };
    }
    const { schema, version } = this.schema();
    const prepared = this.prepare(body.query, schema, version);
    if (!prepared.document) return { errors: prepared.errors?.map((e) => format(e, prepared.code ?? 'BAD_USER_INPUT')) };
    const result = await execute({
      schema,
      document: prepared.document,
      variableValues: body.variables ?? undefined,
      operationName: body.operationName ?? undefined,
      contextValue,
      rootValue: this.rootValue(),
    });
    return {
      ...(result.errors && { errors: result.errors.map((e) => format(e, 'BAD_USER_INPUT')) }),
      data: result.data ?? null,
    };
  }
}
