import { createBulkSyncActivities } from './bulk-sync.js';
import { createChatwootBulkActivities } from './bulk-sync-chatwoot.js';
import { createTwentyBulkActivities } from './bulk-sync-twenty.js';
import { createChatwootActivities } from './chatwoot.js';
import type { ActivityDeps } from './context.js';
import { createEmailActivities } from './email.js';
import { createEmailCampaignActivities } from './email-campaigns.js';
import { createTwentyPaymentStatusActivities } from './twenty-payment-status.js';
import { createChatwootErasureActivities } from './chatwoot-erasure.js';
import { createErasureActivities } from './erasure.js';
import { createGeminiActivities } from './gemini.js';
import { createKgcActivities } from './kgc.js';
import { createKokoChatwootActivities } from './koko-chatwoot.js';
import { createKokoErasureActivities } from './koko-erasure.js';
import { createNotificationActivities } from './notifications.js';
import { createKokoActivities } from './koko.js';
import { createRetentionActivities } from './retention.js';
import { createStoreActivities } from './store.js';
import { createTwentyActivities } from './twenty.js';
import { createTwentyErasureActivities } from './twenty-erasure.js';
import { createTwentyPersonAskActivities } from './twenty-person-asks.js';
import { createTwentyPersonBatchActivities } from './twenty-person-batches.js';
import { createTwentyHistoryBatchActivities } from './twenty-history-batches.js';
import { createMarketingConsentActivities } from './marketing-consent.js';
import { createLifecycleCampaignActivities } from './lifecycle-campaigns.js';
import { createNewProductCampaignActivities } from './new-product-campaign.js';
import { createTwentyCampaignActivities } from './twenty-campaigns.js';
import { createKgcTenantActivities } from './kgc-tenants.js';
import { createKgcWorklogActivities } from './kgc-worklogs.js';
import { createChatwootWorklogActivities } from './chatwoot-worklogs.js';
import { createChatwootWorklogStatusActivities } from './chatwoot-worklog-status.js';
import { createTwentyOpportunityActivities } from './twenty-opportunities.js';
import { createFranchiseOnboardingStartActivities } from './franchise-onboarding-starts.js';

export type { ActivityDeps } from './context.js';

/** Activities of the main task queue. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createKgcActivities(deps),
    ...createChatwootActivities(deps),
    ...createStoreActivities(deps),
    ...createRetentionActivities(deps),
    ...createErasureActivities(deps),
    ...createChatwootErasureActivities(deps),
    ...createNotificationActivities(deps),
    ...createKokoErasureActivities(deps),
    ...createGeminiActivities(deps),
    ...createKokoActivities(deps),
    ...createKokoChatwootActivities(deps),
    ...createEmailActivities(deps),
    ...createEmailCampaignActivities(deps),
    ...createBulkSyncActivities(deps),
    ...createTwentyPersonAskActivities(),
    ...createMarketingConsentActivities(deps),
    ...createLifecycleCampaignActivities(deps),
    ...createKgcTenantActivities(deps),
    ...createKgcWorklogActivities(deps),
    ...createChatwootWorklogActivities(deps),
    ...createChatwootWorklogStatusActivities(deps),
    ...createNewProductCampaignActivities(deps),
    ...createFranchiseOnboardingStartActivities(deps),
  };
}

export { createTwentyActivities, createTwentyBulkActivities, createChatwootBulkActivities };

export type MainActivities = ReturnType<typeof createActivities>;
export type TwentyActivities = ReturnType<typeof createTwentyActivities>;
export type BulkSyncActivities = ReturnType<typeof createBulkSyncActivities>;
export type TwentyBulkActivities = ReturnType<typeof createTwentyBulkActivities>;
export type ChatwootBulkActivities = ReturnType<typeof createChatwootBulkActivities>;

export { createTwentyPaymentStatusActivities, createTwentyErasureActivities, createTwentyOpportunityActivities };
export type TwentyOpportunityActivities = ReturnType<typeof createTwentyOpportunityActivities>;
export type TwentyErasureActivities = ReturnType<typeof createTwentyErasureActivities>;
export type TwentyPaymentStatusActivities = ReturnType<typeof createTwentyPaymentStatusActivities>;

export { createTwentyPersonBatchActivities };
export type TwentyPersonBatchActivities = ReturnType<typeof createTwentyPersonBatchActivities>;
export { createTwentyHistoryBatchActivities };
export type TwentyHistoryBatchActivities = ReturnType<typeof createTwentyHistoryBatchActivities>;
export { createTwentyCampaignActivities };
export type TwentyCampaignActivities = ReturnType<typeof createTwentyCampaignActivities>;
