import type { ServerResponse } from 'node:http';
import { v4 as uuidv4 } from 'uuid';
import type { GraphQLSchema } from 'graphql';
import { Faults } from '../faults.js';
import { listen, readBody, sendJson, type ListenOptions, type RequestStats } from '../http.js';
import { buildCoreSchema, type CoreContext, type RecordPermission } from './core-schema.js';
import { apiKeyRevoked, limitReached, permissionDenied, quotaExhausted, type TwentyError } from './errors.js';
import { GraphQLEndpoint, type GraphQLBody } from './graphql-endpoint.js';
import { buildMetadataSchema, metadataRoot } from './metadata-schema.js';
import { MetadataModel, type ObjectMeta } from './metadata-model.js';
import { createMany, updateOne, type WriteContext } from './mutations.js';
import { DEFAULT_RATE_LIMIT, WorkspaceThrottle, type RateLimitOptions } from './rate-limit.js';
import { RecordStore, type Rec } from './record-store.js';
import { WebhookEmitter, type TwentyWebhook, type WebhookActor, type WebhookBodyForm, type WebhookDelivery } from './webhooks.js';

export type { Rec as TwentyRecord } from './record-store.js';
export type { RateLimitOptions } from './rate-limit.js';
export type { TwentyWebhook, WebhookDelivery } from './webhooks.js';
export { signTwentyWebhook } from './webhooks.js';

/**
 * What the API key's role may do (Settings → Roles): object-record permissions for every object, and the DATA_MODEL
 * settings permission that the metadata API's create/update mutations require. The default is the Admin role.
 */
export interface ApiKeyRole {
  read: boolean;
  update: boolean;
  softDelete: boolean;
  destroy: boolean;
  dataModel: boolean;
}
const adminRole: ApiKeyRole = { read: true, update: true, softDelete: true, destroy: true, dataModel: true };

export interface TwentyStandInOptions extends ListenOptions {
  apiKey?: string;
  /** Shown as createdBy.name on records written with the key. */
  apiKeyName?: string;
  /** QUERY_MAX_RECORDS: batch size limit and default page size. */
  maxBatch?: number;
  /** Token buckets per workspace; false turns throttling off (bulk benchmarks). */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Webhooks configured in Settings → APIs & Webhooks from the start. */
  webhooks?: Array<{ targetUrl: string; secret?: string; operations?: string[] }>;
  /** The webhook body Twenty sends: `batch` (today's) or the older one POST per record. */
  webhookBodyForm?: WebhookBodyForm;
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
  /**
   * Revokes the API key (Settings → APIs): every request with it is then answered FORBIDDEN. `false` stands for the
   * operator configuring a newly issued key.
   */
  setApiKeyRevoked(revoked: boolean): void;
  /** Assigns the key another role; the fields left out keep the Admin role's value. reset() restores Admin. */
  setRole(role: Partial<ApiKeyRole>): void;
  /** Deletes a field from the data model, as an admin can in Settings; false when there was no such field. */
  dropField(objectNameSingular: string, fieldName: string): boolean;
  reset(): void;
  /** Tests: awaited before each record request runs, so a test can hold a write while it sets up a race. */
  beforeRecordRequest(hook: ((body: GraphQLBody) => Promise<void> | void) | undefined): void;
  readonly requestCount: number;
  /** Requests to /graphql (records), not /metadata. */
  readonly coreRequestCount: number;
  /** Root resolvers refused with LIMIT_REACHED (or RATE_LIMITED) by the throttle. */
  readonly limitedCount: number;
  /** Spends the workspace's quota until `untilMs` (epoch ms): every root resolver answers QUOTA_EXHAUSTED; null restores it. */
  exhaustQuota(untilMs: number | null): void;
  /** Turns newer Twenty's usage limits on or off (RATE_LIMITED instead of LIMIT_REACHED); the buckets start full. */
  setUsageLimits(on: boolean): void;
  /** Adds a webhook (Settings → APIs & Webhooks); every later record change is sent to it, signed when it has a secret. */
  addWebhook(hook: { targetUrl: string; secret?: string; operations?: string[] }): TwentyWebhook;
  /** Every webhook call made so far, with the answer's status. */
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** Waits until every webhook call under way has its answer. */
  settleWebhooks(): Promise<void>;
  /** A salesperson's create in the app: a record written by a workspace member, webhooks fire with the actor. */
  createRecordAsUser(objectNameSingular: string, data: Record<string, unknown>): Rec;
  /** A salesperson's edit in the app (the UI saves each field as it changes). */
  updateRecordAsUser(objectNameSingular: string, id: string, data: Record<string, unknown>): Rec;
}

const graphqlError = (res: ServerResponse, status: number, message: string, extensions: Record<string, unknown>) =>
  sendJson(res, status, { errors: [{ message, extensions }], data: null });

/** The auth middleware writes its error without running the operation, so without `data`. */
const middlewareError = (res: ServerResponse, error: TwentyError) => sendJson(res, 200, { errors: [{ message: error.message, extensions: error.extensions }] });

export async function startTwentyStandIn(options: TwentyStandInOptions = {}): Promise<TwentyStandIn> {
  const apiKey = options.apiKey ?? 'twenty-sandbox-key';
  let rateLimit = options.rateLimit === false ? null : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const faults = new Faults();
  const stats: RequestStats = { count: 0 };
  const metadataSchema = buildMetadataSchema();

  let model = new MetadataModel();
  let role: ApiKeyRole = { ...adminRole };
  let revoked = false;
  let throttle = rateLimit && new WorkspaceThrottle(rateLimit);
  const webhooks = new WebhookEmitter(uuidv4(), options.webhookBodyForm);
  const configureWebhooks = () => (options.webhooks ?? []).forEach((hook) => webhooks.add(hook));
  configureWebhooks();
  let actor: WebhookActor | undefined;
  const ctx: WriteContext = {
    emit: (event) => webhooks.emit(event, actor),
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
  const requireDataModel = <A, R>(run: (args: A) => R) => (args: A): R => {
    if (!role.dataModel) throw permissionDenied();
    return run(args);
  };
  const metadata = new GraphQLEndpoint<unknown>(
    () => ({ schema: metadataSchema, version: 0 }),
    () => {
      const root = metadataRoot(model);
      return { ...root, createOneObject: requireDataModel(root.createOneObject), createOneField: requireDataModel(root.createOneField) };
    },
  );
  let limited = 0;
  let coreRequests = 0;
  let beforeRecordRequest: ((body: GraphQLBody) => Promise<void> | void) | undefined;
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
    permit: (permission: RecordPermission) => {
      if (!role[permission]) throw permissionDenied();
    },
  };

  const reset = () => {
    model = new MetadataModel();
    ctx.model = model;
    ctx.store = new RecordStore();
    throttle = rateLimit && new WorkspaceThrottle(rateLimit);
    role = { ...adminRole };
    revoked = false;
    stats.count = 0;
    limited = 0;
    coreRequests = 0;
    quotaUntil = null;
    webhooks.reset();
    configureWebhooks();
  };
  const asUser = <T>(write: () => T): T => {
    actor = { userId: uuidv4(), workspaceMemberId: uuidv4() };
    try {
      return write();
    } finally {
      actor = undefined;
    }
  };
  const objectNamed = (singular: string) => {
    const meta = model.objectBySingular(singular);
    if (!meta) throw new Error(`no object ${singular}`);
    return meta;
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
        if (revoked) return middlewareError(res, apiKeyRevoked());
        let body: GraphQLBody;
        try {
          body = JSON.parse(await readBody(req)) as GraphQLBody;
        } catch {
          return graphqlError(res, 400, 'POST body sent invalid JSON.', { code: 'BAD_REQUEST' });
        }
        if (endpoint === core) await beforeRecordRequest?.(body);
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
    setApiKeyRevoked: (next) => {
      revoked = next;
    },
    setRole: (next) => {
      role = { ...adminRole, ...next };
    },
    dropField: (objectNameSingular, fieldName) => model.dropField(objectNameSingular, fieldName),
    reset,
    beforeRecordRequest(hook) {
      beforeRecordRequest = hook;
    },
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
    addWebhook: (hook) => webhooks.add(hook),
    get webhookDeliveries() {
      return webhooks.deliveries;
    },
    settleWebhooks: () => webhooks.settle(),
    createRecordAsUser: (singular, data) => asUser(() => createMany(ctx, objectNamed(singular), [data], false)[0]!),
    updateRecordAsUser: (singular, id, data) => asUser(() => updateOne(ctx, objectNamed(singular), id, data)),
  };
}
