import { moduleFlags, type ModuleName } from './db/schema.js';
import type { Db } from './db/client.js';
import { readModuleStates, type ModuleStates } from './activities/store.js';

export const moduleNames: readonly ModuleName[] = ['crm', 'support'];

/** Seeds the run-time switches from CRM_MODULE_ENABLED / SUPPORT_MODULE_ENABLED the first time only. */
export async function seedModuleFlags(db: Db, initial: ModuleStates): Promise<void> {
  await db
    .insert(moduleFlags)
    .values(moduleNames.map((m) => ({ module: m, enabled: initial[m], updatedBy: 'environment' })))
    .onConflictDoNothing();
}

/**
 * The switches as the API sees them, re-read at most once a second: intake stays at one query per event,
 * and a switch made through any API process applies everywhere within a second.
 */
export class ModuleFlags {
  private cached?: { states: ModuleStates; at: number };

  constructor(private readonly db: Db, private readonly maxAgeMs = 1_000) {}

  async current(): Promise<ModuleStates> {
    if (this.cached && Date.now() - this.cached.at < this.maxAgeMs) return this.cached.states;
    const states = await readModuleStates(this.db);
    this.cached = { states, at: Date.now() };
    return states;
  }

  async set(module: ModuleName, enabled: boolean, by: string): Promise<ModuleStates> {
    const states = await setModule(this.db, module, enabled, by);
    this.cached = { states, at: Date.now() };
    return states;
  }
}

async function setModule(db: Db, module: ModuleName, enabled: boolean, by: string): Promise<ModuleStates> {
  const now = new Date();
  await db
    .insert(moduleFlags)
    .values({ module, enabled, updatedBy: by, updatedAt: now })
    .onConflictDoUpdate({ target: moduleFlags.module, set: { enabled, updatedBy: by, updatedAt: now } });
  return readModuleStates(db);
}
