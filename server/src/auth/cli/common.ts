import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../../config.js';
import { appMigrations } from '../../migrations.js';
import { DecryptionError, Envelope } from '../../platform/crypto/envelope.js';
import { loadKeyring } from '../../platform/crypto/keyring.js';
import { openDatabaseServer } from '../../platform/db/connect.js';
import { migrate } from '../../platform/db/migrate.js';
import { Database } from '../../platform/db/pool.js';
import { SigningKeys } from '../identity/signing-keys.js';

/** Where a command writes and reads; the process's streams and environment outside tests. */
export interface CliIo {
  /** One line (or several) to standard output. */
  out(text: string): void;
  /** One line (or several) to standard error. */
  err(text: string): void;
  /** For `--password-stdin`. */
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** The command line is wrong (missing or malformed option): exit code 2, with the usage. */
export class UsageError extends Error {}

/** The command could not do what was asked (unknown tenant, duplicate, policy): exit code 1. */
export class CommandError extends Error {}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedCommand {
  values: OptionValues;
  /** Positionals after the command's words. */
  positionals: string[];
}

/** What a command gets besides its arguments. */
export interface OperatorContext {
  io: CliIo;
  config: Config;
  /** Opens the configured database (migrated), runs `fn` on a pool, closes both. */
  withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  /** The installation's envelope, from the keyring the server uses (OPENVISIT_MASTER_KEYS or DATA_DIR). */
  envelope(): Envelope;
}

export interface OperatorCommand {
  /** The command's words, e.g. ['tenant', 'create']. */
  words: readonly [string, string];
  /** Arguments after `openvisit`, for usage messages. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Validates first (usage errors need no database), then acts; throws UsageError or CommandError. */
  run(args: ParsedCommand, ctx: OperatorContext): Promise<void>;
}

export function operatorContext(io: CliIo, config: Config): OperatorContext {
  let envelope: Envelope | undefined;
  return {
    io,
    config,
    async withDatabase(fn) {
      const server = await openDatabaseServer(config);
      try {
        await migrate(server.url, appMigrations);
        const db = new Database(server.url, { max: 4 });
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      } finally {
        await server.stop();
      }
    },
    envelope() {
      envelope ??= new Envelope(loadKeyring({ env: io.env, dataDir: config.dataDir }));
      return envelope;
    },
  };
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.at(-1) === undefined ? undefined : String(v.at(-1));
  return typeof v === 'string' ? v : undefined;
}

export function requiredOption(values: OptionValues, name: string, what: string): string {
  const v = stringOption(values, name)?.trim();
  if (!v) throw new UsageError(`--${name} <${what}> is required`);
  return v;
}

export function listOption(values: OptionValues, name: string): string[] {
  const v = values[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string');
}

/** A whole number of seconds within bounds, or the default. */
export function secondsOption(
  values: OptionValues,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return bounds.fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < bounds.min || n > bounds.max)
    throw new UsageError(`--${name} must be a whole number of seconds from ${bounds.min} to ${bounds.max}`);
  return n;
}

/** The tenant's id; a failure naming the command that creates it when there is none. */
export async function tenantId(db: Database, slug: string): Promise<number> {
  const res = await db.global<{ id: number }>('SELECT id FROM tenant WHERE slug = $1', [slug]);
  const id = res.rows[0]?.id;
  if (id === undefined)
    throw new CommandError(`no tenant "${slug}" (create it: openvisit tenant create ${slug})`);
  return id;
}

/**
 * Fails unless the keyring opens what is already sealed in this database (the signing keys): a
 * command run with other master keys than the server's would seal values the server cannot open.
 * On a new installation this creates the first signing key, as the first server start would.
 */
export async function checkKeyring(db: Database, envelope: Envelope): Promise<SigningKeys> {
  const keys = new SigningKeys(db, envelope);
  try {
    await keys.load();
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    throw new CommandError(
      "these master keys cannot open this database's sealed data: run the command with the server's " +
        'OPENVISIT_MASTER_KEYS (or its DATA_DIR with the master-keys file)',
    );
  }
  return keys;
}

/** Reads standard input up to the end of its first line (without the line break); null when empty. */
export function readFirstLine(stream: NodeJS.ReadableStream, maxChars = 64 * 1024): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (line: string | null) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve(line === null ? null : line.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) finish(text.slice(0, nl));
      else if (text.length > maxChars) finish(text);
    };
    const onEnd = () => finish(text === '' ? null : text);
    const onError = (err: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
