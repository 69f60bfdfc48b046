import { z } from 'zod';
import { checkNewAdmin, setAdminPassword } from '../api/console/passwords.js';
import { migrateDatabase, openDatabase } from '../db/client.js';

/**
 * `npm run admin:add -- <name>`: creates a console account, or sets a new password for it. The password is read from
 * stdin (never an argument, which would end up in shell history and `ps`): type it and press Ctrl-D, or pipe it.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  const databaseUrl = z.url().safeParse(process.env.DATABASE_URL);
  if (!name) throw new Error('Usage: npm run admin:add -- <name>   (password on stdin)');
  if (!databaseUrl.success) throw new Error('DATABASE_URL must be set to the service\'s Postgres URL');
  if (process.stdin.isTTY) process.stderr.write(`Password for ${name} (at least 12 characters), then Enter and Ctrl-D: `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  checkNewAdmin(name, password);
  await migrateDatabase(databaseUrl.data);
  const database = openDatabase(databaseUrl.data, { max: 1 });
  try {
    const outcome = await setAdminPassword(database.db, name, password);
    process.stdout.write(`Console admin ${name} ${outcome}.\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
