import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody, sendJson } from '../http.js';
import type { Inbox } from './inbox.js';
import type { SmtpFaultOptions, SmtpFaults } from './faults.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function page(inbox: Inbox): string {
  const rows = [...inbox.list()]
    .reverse()
    .map((m) => `<tr><td>${m.id}</td><td>${escape(m.receivedAt)}</td><td>${escape(m.to.join(', '))}</td><td>${escape(m.subject ?? '')}</td><td><pre>${escape(m.text ?? '')}</pre></td></tr>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SMTP stand-in inbox</title></head>
<body style="font-family: sans-serif"><h1>SMTP stand-in inbox (${inbox.list().length})</h1>
<p>JSON: <a href="/api/messages">/api/messages</a></p>
<table border="1" cellpadding="4"><tr><th>#</th><th>received</th><th>to</th><th>subject</th><th>text</th></tr>
${rows}</table></body></html>`;
}

/**
 * The inbox over HTTP: `GET /` (HTML), `GET /api/messages` (JSON), `DELETE /api/messages`, and the control
 * endpoints of every stand-in, `POST /__sandbox/faults` (SMTP faults) and `POST /__sandbox/reset`.
 */
export async function serveInbox(inbox: Inbox, faults: SmtpFaults, options: { port?: number; host: string }) {
  const sockets = new Set<Socket>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end(page(inbox));
    }
    if (req.method === 'GET' && path === '/api/messages') return sendJson(res, 200, inbox.list());
    if (req.method === 'DELETE' && path === '/api/messages') {
      inbox.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/__sandbox/faults') {
      const raw = await readBody(req);
      const options = (raw ? JSON.parse(raw) : {}) as SmtpFaultOptions;
      if (Object.keys(options).length === 0) await faults.clear();
      else await faults.set(options);
      return sendJson(res, 200, faults.current);
    }
    if (req.method === 'POST' && path === '/__sandbox/reset') {
      await faults.clear();
      inbox.clear();
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: 'not found' });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
