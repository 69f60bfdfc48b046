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

export async function setModule(db: Db, module: ModuleName, enabled: boolean, by: string): Promise<ModuleStates> {
  const now = new Date();
  await db
    .insert(moduleFlags)
    .values({ module, enabled, updatedBy: by, updatedAt: now })
    .onConflictDoUpdate({ target: moduleFlags.module, set: { enabled, updatedBy: by, updatedAt: now } });
  return readModuleStates(db);
}

export { readModuleStates };
