import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { temporalConnectionOptions } from '../../src/temporal-connection.js';

const complete = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/kgc',
  TEMPORAL_ADDRESS: 'temporal.example:7233',
  KGC_API_URL: 'http://kgc.local',
  KGC_API_KEY: 'k',
  KGC_WEBHOOK_SECRET: 'a-webhook-secret-of-length',
  ADMIN_API_KEY: 'an-admin-key-of-some-length',
  ERASURE_HASH_KEY: 'an-erasure-hash-key-of-32-characters-at-least',
  CRM_MODULE_ENABLED: 'false',
  SUPPORT_MODULE_ENABLED: 'false',
};
const options = (env: Record<string, string>) => temporalConnectionOptions(loadConfig({ ...complete, ...env }).temporal);

describe('Temporal connection settings', () => {
  it('connects in plain text to a self-hosted frontend by default', () => {
    expect(options({})).toEqual({ address: 'temporal.example:7233' });
  });

  it('passes the mTLS client pair, a private CA and the server name as the SDK takes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgc-tls-'));
    const files = { cert: join(dir, 'client.pem'), key: join(dir, 'client.key'), ca: join(dir, 'ca.pem') };
    writeFileSync(files.cert, 'CERT');
    writeFileSync(files.key, 'KEY');
    writeFileSync(files.ca, 'CA');
    const o = options({ TEMPORAL_TLS_CERT_PATH: files.cert, TEMPORAL_TLS_KEY_PATH: files.key, TEMPORAL_TLS_CA_PATH: files.ca, TEMPORAL_TLS_SERVER_NAME: 'frontend.internal' });
    expect(o.tls?.serverNameOverride).toBe('frontend.internal');
    expect(o.tls?.serverRootCACertificate?.toString()).toBe('CA');
    expect(o.tls?.clientCertPair?.crt.toString()).toBe('CERT');
    expect(o.tls?.clientCertPair?.key.toString()).toBe('KEY');
    expect(o.apiKey).toBeUndefined();
  });

  it('turns TLS on with the system CAs for Temporal Cloud’s API key, or for TEMPORAL_TLS alone', () => {
    expect(options({ TEMPORAL_API_KEY: 'cloud-key' })).toEqual({ address: 'temporal.example:7233', tls: {}, apiKey: 'cloud-key' });
    expect(options({ TEMPORAL_TLS: 'true' })).toEqual({ address: 'temporal.example:7233', tls: {} });
  });

  it('refuses half an mTLS pair, naming the missing variable', () => {
    expect(() => options({ TEMPORAL_TLS_CERT_PATH: '/x/client.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH: required with TEMPORAL_TLS_CERT_PATH/);
    expect(() => options({ TEMPORAL_TLS_KEY_PATH: '/x/client.key' })).toThrow(/TEMPORAL_TLS_CERT_PATH: required with TEMPORAL_TLS_KEY_PATH/);
  });

  it('stops at start-up naming the variable whose file cannot be read', () => {
    expect(() => options({ TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' })).toThrow(ConfigError);
    expect(() => options({ TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' })).toThrow(/TEMPORAL_TLS_CA_PATH: cannot read \/nonexistent\/ca.pem \(ENOENT\)/);
  });
});
