import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeEach, expect } from 'vitest';
import { logStreams } from '../../src/logger.js';

/**
 * The service's log lines of one test file (retries the tests provoke on purpose, mostly) are kept, not printed:
 * a green run shows test names and the summary. A failing test gets the lines logged while it ran on stderr, and
 * every file's whole log is written to `.test-logs/<file>.log` for a closer look.
 */
const lines: string[] = [];
logStreams.add({ level: 'trace', stream: { write: (line: string) => void lines.push(line) } });

beforeEach((ctx) => {
  const first = lines.length;
  ctx.onTestFailed(() => {
    const own = lines.slice(first);
    process.stderr.write(`\n--- service log of "${ctx.task.name}" (${own.length} lines) ---\n${own.join('')}--- end of service log ---\n`);
  });
});

afterAll(() => {
  const testPath = expect.getState().testPath;
  if (!testPath || lines.length === 0) return;
  const dir = join(process.cwd(), '.test-logs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${basename(testPath)}.log`), lines.join(''));
});
