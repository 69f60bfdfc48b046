/** Per-system task queues derive from the main one (service-api.md TEMPORAL_TASK_QUEUE), so each can carry its own rate limit. */
export const twentyTaskQueue = (mainQueue: string) => `${mainQueue}-twenty`;
/** initialBulkSync's own Twenty queue, limited to its share of TWENTY_REQUESTS_PER_MINUTE so live syncs keep theirs. */
export const twentyBulkTaskQueue = (mainQueue: string) => `${mainQueue}-twenty-bulk`;
/** initialBulkSync's Chatwoot contact pages, limited to CHATWOOT_BULK_REQUESTS_PER_MINUTE. */
export const chatwootBulkTaskQueue = (mainQueue: string) => `${mainQueue}-chatwoot-bulk`;
