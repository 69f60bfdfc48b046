import { eq } from 'drizzle-orm';
import { campaignSwitches, type EmailCampaign } from './db/schema.js';
import type { Db } from './db/client.js';

export const campaignNames: readonly EmailCampaign[] = ['rental-expiry', 'repair-done', 'vip-welcome', 'upsell', 'win-back', 'new-product'];

export type CampaignStates = Record<EmailCampaign, boolean>;

/** Why the email activity skipped an email of a campaign an admin switched off. */
export const campaignSwitchedOff = 'campaign switched off';

export async function readCampaignStates(db: Db): Promise<CampaignStates> {
  const states = Object.fromEntries(campaignNames.map((c) => [c, true])) as CampaignStates;
  for (const row of await db.select().from(campaignSwitches)) states[row.campaign] = row.enabled;
  return states;
}

/** Read fresh at every send, so a switch applies to the very next email of any worker. */
export async function campaignEnabled(db: Db, campaign: EmailCampaign): Promise<boolean> {
  const [row] = await db.select({ enabled: campaignSwitches.enabled }).from(campaignSwitches).where(eq(campaignSwitches.campaign, campaign));
  return row?.enabled ?? true;
}

/** The switches as the admin API sees them, re-read at most once a second (like the module switches). */
export class CampaignSwitches {
  private cached?: { states: CampaignStates; at: number };

  constructor(private readonly db: Db, private readonly maxAgeMs = 1_000) {}

  async current(): Promise<CampaignStates> {
    if (this.cached && Date.now() - this.cached.at < this.maxAgeMs) return this.cached.states;
    const states = await readCampaignStates(this.db);
    this.cached = { states, at: Date.now() };
    return states;
  }

  async set(campaign: EmailCampaign, enabled: boolean, by: string): Promise<CampaignStates> {
    const now = new Date();
    await this.db
      .insert(campaignSwitches)
      .values({ campaign, enabled, updatedBy: by, updatedAt: now })
      .onConflictDoUpdate({ target: campaignSwitches.campaign, set: { enabled, updatedBy: by, updatedAt: now } });
    const states = await readCampaignStates(this.db);
    this.cached = { states, at: Date.now() };
    return states;
  }
}
