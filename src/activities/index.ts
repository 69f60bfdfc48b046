import { createChatwootActivities } from './chatwoot.js';
import type { ActivityDeps } from './context.js';
import { createErasureActivities } from './erasure.js';
import { createGeminiActivities } from './gemini.js';
import { createKgcActivities } from './kgc.js';
import { createKokoChatwootActivities } from './koko-chatwoot.js';
import { createKokoErasureActivities } from './koko-erasure.js';
import { createNotificationActivities } from './notifications.js';
import { createKokoActivities } from './koko.js';
import { createStoreActivities } from './store.js';
import { createTwentyActivities } from './twenty.js';

export type { ActivityDeps } from './context.js';

/** Activities of the main task queue. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createKgcActivities(deps),
    ...createChatwootActivities(deps),
    ...createStoreActivities(deps),
    ...createErasureActivities(deps),
    ...createNotificationActivities(deps),
    ...createKokoErasureActivities(deps),
    ...createGeminiActivities(deps),
    ...createKokoActivities(deps),
    ...createKokoChatwootActivities(deps),
  };
}

export { createTwentyActivities };

export type MainActivities = ReturnType<typeof createActivities>;
export type TwentyActivities = ReturnType<typeof createTwentyActivities>;
