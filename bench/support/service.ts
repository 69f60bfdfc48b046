import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * One role of the compiled service (`npm run build` first), as `npm run worker|api` run it: same script, same default
 * heap settings unless BENCH_WORKER_NODE_OPTIONS replaces them. Resolves once it logs that it runs; `api` is the
 * API's URL for the api role.
 */
export async function startServiceRole(role: 'api' | 'worker', env: Record<string, string>): Promise<{ child: ChildProcess; api: string; stop(): Promise<void> }> {
  const { NODE_OPTIONS: _inherited, ...parentEnv } = process.env;
  const child = spawn('sh', [fileURLToPath(new URL('../../scripts/run-compiled.sh', import.meta.url)), `${role}-main`], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { ...parentEnv, ...env, PORT: '0', LOG_LEVEL: 'info', ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}) },
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
    api: ready.api ?? '',
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
