/** Per-system task queues derive from the main one (service-api.md TEMPORAL_TASK_QUEUE), so each can carry its own rate limit. */
export const twentyTaskQueue = (mainQueue: string) => `${mainQueue}-twenty`;
