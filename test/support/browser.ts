import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

/** Debian's chromium (scripts/ensure-chromium.sh installs it), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this name
    }
  }
  throw new Error('No chromium found: run `bash scripts/ensure-chromium.sh` (apt-get install chromium) or set CHROMIUM_PATH');
}

/** One headless browser for a whole test file; --no-sandbox because CI runs as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** The console as `npm run build` makes it, so the test runs today's front end. */
export async function buildConsole(): Promise<void> {
  await build({ configFile: 'console/vite.config.ts', logLevel: 'warn' });
}
