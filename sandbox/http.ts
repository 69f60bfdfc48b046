import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Faults, FaultOptions, FaultResponder } from './faults.js';

export interface ListenOptions {
  port?: number;
  host?: string;
}

export interface StandInServer {
  url: string;
  close(): Promise<void>;
}

export interface RequestStats {
  count: number;
}

export interface StandInHooks {
  faults: Faults;
  stats: RequestStats;
  respondToFault: FaultResponder;
  reset(): void;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The control endpoints bypass faults so that a "down" stand-in can still be brought back with curl. */
async function handleControl(req: IncomingMessage, res: ServerResponse, hooks: StandInHooks): Promise<boolean> {
  if (req.method !== 'POST' || !req.url?.startsWith('/__sandbox/')) return false;
  const path = req.url.split('?')[0];
  if (path === '/__sandbox/faults') {
    const raw = await readBody(req);
    const options = (raw ? JSON.parse(raw) : {}) as FaultOptions;
    if (Object.keys(options).length === 0) hooks.faults.clear();
    else hooks.faults.set(options);
    sendJson(res, 200, hooks.faults.current);
    return true;
  }
  if (path === '/__sandbox/reset') {
    hooks.faults.clear();
    hooks.reset();
    sendJson(res, 200, { ok: true });
    return true;
  }
  return false;
}

/** Real HTTP on 127.0.0.1, port 0 by default; close() also drops keep-alive sockets so tests end promptly. */
export async function listen(hooks: StandInHooks, options: ListenOptions = {}): Promise<StandInServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    hooks.stats.count += 1;
    void (async () => {
      if (await handleControl(req, res, hooks)) return;
      if (await hooks.faults.intercept(req, res, hooks.respondToFault)) return;
      await hooks.handle(req, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
