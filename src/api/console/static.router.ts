import express, { Router, type Response } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console (vite, console/vite.config.ts): dist/console, from src/ and from dist/. */
export const consoleDir = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const origin = (url: string | undefined) => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The console's built pages and assets, from this process and port; nothing is loaded from elsewhere at run time.
 * Only the Chatwoot dashboard app may be framed, and only by Chatwoot's origin; every other page refuses frames.
 */
export function consoleStaticRouter(opts: { chatwootUrl?: string; dir?: string }): Router {
  const dir = opts.dir ?? consoleDir;
  const router = Router();
  const chatwootOrigin = origin(opts.chatwootUrl);
  const policy = (frameAncestors: string) =>
    `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ${frameAncestors}`;
  const page = (res: Response, file: string, frameAncestors: string) => {
    if (!existsSync(`${dir}${file}`)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.');
      return;
    }
    res.set({ 'Content-Security-Policy': policy(frameAncestors), 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-cache' });
    if (frameAncestors === "'none'") res.set('X-Frame-Options', 'DENY');
    res.sendFile(`${dir}${file}`);
  };

  router.get(/^\/console$/, (_req, res) => res.redirect(302, '/console/'));
  router.get('/console/chatwoot', (_req, res) => page(res, 'chatwoot.html', ["'self'", chatwootOrigin].filter(Boolean).join(' ')));
  // Hashed file names: an asset never changes under its name.
  router.use('/console/assets', express.static(`${dir}assets`, { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  router.get(/^\/console\/(?!api(\/|$)).*/, (_req, res) => page(res, 'index.html', "'none'"));
  return router;
}
