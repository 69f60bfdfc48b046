import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface CompiledRole {
  child: ChildProcess;
  /** The API's URL (empty for a worker). */
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * One role of the compiled service (`npm run build` first), as `npm run worker|api` run it: same script, same
 * default heap settings unless `nodeOptions` replaces them. Resolves once it logs that it runs.
 */
export async function startCompiledRole(role: 'api' | 'worker', env: Record<string, string>, nodeOptions?: string): Promise<CompiledRole> {
  const { NODE_OPTIONS: _inherited, ...parentEnv } = process.env;
  const child = spawn('sh', [fileURLToPath(new URL('../../scripts/run-compiled.sh', import.meta.url)), `${role}-main`], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { ...parentEnv, ...env, PORT: '0', LOG_LEVEL: 'info', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Ready when it logs that it runs (the api's line carries its URL); later lines are drained and dropped.
  const lines = createInterface({ input: child.stdout! });
  let ready: { api?: string } | undefined;
  for await (const line of lines) {
    ready = line.includes('KGC integration running') ? (JSON.parse(line) as { api?: string }) : undefined;
    if (ready) break;
  }
  if (!ready) throw new Error(`the ${role} process exited before it was ready`);
  child.stdout!.resume();
  return {
    child,
    apiUrl: ready.api ?? '',
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
