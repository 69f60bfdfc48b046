import type { TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from './config.js';

/**
 * What both `Connection.connect` (API, schedules) and `NativeConnection.connect` (workers) take to reach the
 * configured Temporal: the address, TLS (mTLS client pair, private CA, server name) and Temporal Cloud's API key.
 * The files are read once here, at start-up; a missing one stops the service naming its variable.
 */
export function temporalConnectionOptions(temporal: Config['temporal']): { address: string; tls?: TLSConfig; apiKey?: string } {
  const { address, tls, apiKey } = temporal;
  if (!tls) return { address, ...(apiKey && { apiKey }) };
  const problems: string[] = [];
  const read = (variable: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const crt = read('TEMPORAL_TLS_CERT_PATH', tls.certPath);
  const key = read('TEMPORAL_TLS_KEY_PATH', tls.keyPath);
  const ca = read('TEMPORAL_TLS_CA_PATH', tls.caPath);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    address,
    tls: {
      ...(tls.serverName && { serverNameOverride: tls.serverName }),
      ...(ca && { serverRootCACertificate: ca }),
      ...(crt && key && { clientCertPair: { crt, key } }),
    },
    ...(apiKey && { apiKey }),
  };
}
