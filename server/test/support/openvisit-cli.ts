import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureDatabase } from '../../src/platform/db/connect.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(serverDir, 'bin', 'openvisit.js');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * The real `openvisit` command in a process of its own: the package bin when built (npm test builds
 * first), else main.ts through tsx. `stdin` is piped in and closed; the environment is this
 * process's plus `env`.
 */
export function runOpenVisit(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<CliRun> {
  const built = fs.existsSync(path.join(serverDir, 'dist', 'main.js'));
  const argv = built ? [bin, ...args] : ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts'), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A database of its own on the test server (`adminUrl`), for commands that migrate or seed one. */
export async function scratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  return {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
