import type { ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { Faults } from '../faults.js';
import { listen, readBody, sendJson, type ListenOptions, type RequestStats } from '../http.js';
import { buildCoreSchema, type CoreContext } from './core-schema.js';
import { limitReached, quotaExhausted } from './errors.js';
import { GraphQLEndpoint, type GraphQLBody } from './graphql-endpoint.js';
import { buildMetadataSchema, metadataRoot } from './metadata-schema.js';
import { MetadataModel, type ObjectMeta } from './metadata-model.js';
import type { WriteContext } from './mutations.js';
import { DEFAULT_RATE_LIMIT, WorkspaceThrottle, type RateLimitOptions } from './rate-limit.js';
import { RecordStore, type Rec } from './record-store.js';

export type { Rec as TwentyRecord } from './record-store.js';
export type { RateLimitOptions } from './rate-limit.js';

export interface TwentyStandInOptions extends ListenOptions {
  apiKey?: string;
  /** Shown as createdBy.name on records written with the key. */
  apiKeyName?: string;
  /** QUERY_MAX_RECORDS: batch size limit and default page size. */
  maxBatch?: number;
  /** Token buckets per workspace; false turns throttling off (bulk benchmarks). */
  rateLimit?: Partial<RateLimitOptions> | false;
}

export interface TwentyStandIn {
  url: string;
  apiKey: string;
  faults: Faults;
  close(): Promise<void>;
  /** Rows of an object by plural name; soft-deleted rows only with `withDeleted`. */
  listRecords(objectNamePlural: string, options?: { withDeleted?: boolean }): Rec[];
  /** One row by singular name and id, soft-deleted included; undefined once destroyed. */
  getRecord(objectNameSingular: string, id: string): Rec | undefined;
  objects(): ObjectMeta[];
  reset(): void;
  readonly requestCount: number;
  /** Requests to /graphql (records), not /metadata. */
  readonly coreRequestCount: number;
  /** Root resolvers refused with LIMIT_REACHED (or RATE_LIMITED) by the throttle. */
  readonly limitedCount: number;
  /** Spends the workspace's quota until `untilMs` (epoch ms): every root resolver answers QUOTA_EXHAUSTED; null restores it. */
  exhaustQuota(untilMs: number | null): void;
  /** Turns newer Twenty's usage limits on or off (RATE_LIMITED instead of LIMIT_REACHED); the buckets start full. */
  setUsageLimits(on: boolean): void;
}

const graphqlError = (res: ServerResponse, status: number, message: string, extensions: Record<string, unknown>) =>
  sendJson(res, status, { errors: [{ message, extensions }], data: null });

export async function startTwentyStandIn(options: TwentyStandInOptions = {}): Promise<TwentyStandIn> {
  const apiKey = options.apiKey ?? 'twenty-sandbox-key';
  let rateLimit = options.rateLimit === false ? null : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const faults = new Faults();
  const stats: RequestStats = { count: 0 };
  const metadataSchema = buildMetadataSchema();

  let model = new MetadataModel();
  let throttle = rateLimit && new WorkspaceThrottle(rateLimit);
  const ctx: WriteContext = {
    model,
    store: new RecordStore(),
    maxBatch: options.maxBatch ?? 200,
    createdBy: { source: 'API', workspaceMemberId: null, name: options.apiKeyName ?? 'sandbox key', context: {} },
  };
  let built: { schema: GraphQLSchema; version: number; model: MetadataModel } | undefined;
  const coreSchema = () => {
    if (!built || built.version !== model.version || built.model !== model) {
      built = { schema: buildCoreSchema(model, ctx), version: model.version, model };
    }
    return built;
  };
  const core = new GraphQLEndpoint<CoreContext>(coreSchema);
  const metadata = new GraphQLEndpoint<unknown>(
    () => ({ schema: metadataSchema, version: 0 }),
    () => metadataRoot(model),
  );
  let limited = 0;
  let coreRequests = 0;
  let quotaUntil: number | null = null;
  const coreContext: CoreContext = {
    throttle: () => {
      if (quotaUntil !== null && Date.now() < quotaUntil) throw quotaExhausted(quotaUntil - Date.now());
      try {
        throttle?.take();
      } catch (err) {
        limited++;
        throw err;
      }
    },
  };

  const reset = () => {
    model = new MetadataModel();
    ctx.model = model;
    ctx.store = new RecordStore();
    throttle = rateLimit && new WorkspaceThrottle(rateLimit);
    stats.count = 0;
    limited = 0;
    coreRequests = 0;
    quotaUntil = null;
  };

  const server = await listen(
    {
      faults,
      stats,
      reset,
      respondToFault: (res, status, retryAfter) => {
        if (status === 'LIMIT_REACHED') {
          const e = limitReached(rateLimit?.longLimit ?? 100, rateLimit?.longTtlMs ?? 60_000);
          return graphqlError(res, 200, e.message, e.extensions);
        }
        const headers: Record<string, string> = retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {};
        const code = status === 429 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
        sendJson(res, status, { errors: [{ message: status === 429 ? 'Too Many Requests' : 'Internal server error', extensions: { code } }], data: null }, headers);
      },
      handle: async (req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        const endpoint = path === '/graphql' ? core : path === '/metadata' ? metadata : undefined;
        if (!endpoint || req.method !== 'POST') return sendJson(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${path}`, error: 'Not Found' });
        if (endpoint === core) coreRequests++;
        if (req.headers.authorization !== `Bearer ${apiKey}`) {
          return graphqlError(res, 200, 'Token invalid.', { code: 'UNAUTHENTICATED', userFriendlyMessage: 'Token invalid.' });
        }
        let body: GraphQLBody;
        try {
          body = JSON.parse(await readBody(req)) as GraphQLBody;
        } catch {
          return graphqlError(res, 400, 'POST body sent invalid JSON.', { code: 'BAD_REQUEST' });
        }
        sendJson(res, 200, await endpoint.run(body, coreContext));
      },
    },
    options,
  );

  return {
    url: server.url,
    apiKey,
    faults,
    close: server.close,
    listRecords: (plural, opts = {}) => {
      const meta = model.objectByPlural(plural);
      if (!meta) return [];
      return [...ctx.store.of(meta).rows.values()].filter((r) => opts.withDeleted || r.deletedAt === null);
    },
    getRecord: (singular, id) => {
      const meta = model.objectBySingular(singular);
      return meta && ctx.store.of(meta).rows.get(id);
    },
    objects: () => model.objects,
    reset,
    get requestCount() {
      return stats.count;
    },
    get coreRequestCount() {
      return coreRequests;
    },
    get limitedCount() {
      return limited;
    },
    exhaustQuota: (untilMs) => {
      quotaUntil = untilMs;
    },
    setUsageLimits: (on) => {
      rateLimit = rateLimit && { ...rateLimit, usageLimits: on };
      throttle = rateLimit && new WorkspaceThrottle(rateLimit);
    },
  };
}
