import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const complete = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/kgc',
  TEMPORAL_ADDRESS: 'localhost:7233',
  KGC_API_URL: 'http://kgc.local',
  KGC_API_KEY: 'k',
  KGC_WEBHOOK_SECRET: 'a-webhook-secret-of-length',
  ADMIN_API_KEY: 'an-admin-key-of-some-length',
  ERASURE_HASH_KEY: 'an-erasure-hash-key-of-32-characters-at-least',
  TWENTY_API_URL: 'http://twenty.local',
  TWENTY_API_KEY: 't',
  CHATWOOT_API_URL: 'http://chatwoot.local',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_KEY: 'c',
};

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(complete);
    expect(c.port).toBe(3000);
    expect(c.temporal).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'kgc-integration' });
    expect(c.twenty).toMatchObject({ requestsPerMinute: 100, pacingShare: 0.95, workerProcesses: 1 });
    expect(c.modules).toEqual({ crm: true, support: true });
    expect(c.koko.approvalTimeoutMs).toBe(30 * 60_000);
  });

  it('needs CHATWOOT_BOT_ID when Koko posts with the user token, so that its messages are the bot\'s', () => {
    const koko = { ...complete, CHATWOOT_WEBHOOK_SECRET: 's' };
    expect(() => loadConfig(koko)).toThrow(/CHATWOOT_BOT_ID: required while Koko posts with the user token/);
    expect(loadConfig({ ...koko, CHATWOOT_BOT_ID: '4' }).chatwoot.botId).toBe(4);
    expect(loadConfig({ ...koko, CHATWOOT_BOT_TOKEN: 'b' }).chatwoot.botId).toBeUndefined();
  });

  it('names every missing setting at once', () => {
    try {
      loadConfig({});
      expect.unreachable('an empty environment must be rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KGC_API_URL', 'KGC_WEBHOOK_SECRET', 'ADMIN_API_KEY', 'TWENTY_API_URL', 'CHATWOOT_API_KEY']) {
        expect(msg).toContain(name);
      }
    }
  });

  it('does not require Twenty or Chatwoot settings while their module is off', () => {
    const { TWENTY_API_URL, TWENTY_API_KEY, CHATWOOT_API_URL, CHATWOOT_ACCOUNT_ID, CHATWOOT_API_KEY, ...rest } = complete;
    expect(loadConfig({ ...rest, CRM_MODULE_ENABLED: 'false', SUPPORT_MODULE_ENABLED: 'false' }).modules).toEqual({ crm: false, support: false });
  });

  it('says which value is invalid and why', () => {
    expect(() => loadConfig({ ...complete, TEMPORAL_ADDRESS: 'no-port', KOKO_TEAMS: '{bad' })).toThrow(/TEMPORAL_ADDRESS: host:port[\s\S]*KOKO_TEAMS/);
    // Pacing above the budget, or a fraction of a process, would overrun Twenty's bucket.
    expect(() => loadConfig({ ...complete, TWENTY_PACING_SHARE: '1.2', TWENTY_WORKER_PROCESSES: '0.5' })).toThrow(/TWENTY_PACING_SHARE[\s\S]*TWENTY_WORKER_PROCESSES/);
  });
});
