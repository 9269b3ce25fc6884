import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { clientCreate } from './client-create.js';
import {
  CommandError,
  operatorContext,
  UsageError,
  type CliIo,
  type OperatorCommand,
  type OptionValues,
} from './common.js';
import { keysRotate } from './keys-rotate.js';
import { tenantCreate } from './tenant-create.js';
import { tenantFederate } from './tenant-federate.js';
import { userCreate } from './user-create.js';

export type { CliIo } from './common.js';

/** The operator commands, in the order `openvisit help` lists them. */
export const OPERATOR_COMMANDS: readonly OperatorCommand[] = [
  tenantCreate,
  tenantFederate,
  userCreate,
  clientCreate,
  keysRotate,
];

/** The first line of a message: never a stack trace, never a multi-line dump. */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/**
 * Runs `argv` (after `openvisit`) when it names an operator command, returning the exit code: 0 done,
 * 1 failed (one line saying why), 2 usage error. Undefined when `argv` is not an operator command.
 */
export async function runOperatorCommand(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const cmd = OPERATOR_COMMANDS.find((c) => c.words[0] === argv[0] && c.words[1] === argv[1]);
  if (!cmd) return undefined;
  const name = `openvisit ${cmd.words.join(' ')}`;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv.slice(2),
        options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError(oneLine(err));
    }
    const values = parsed.values as OptionValues;
    if (values.help === true) {
      io.out(`Usage: openvisit ${cmd.usage}`);
      return 0;
    }
    await cmd.run({ values, positionals: parsed.positionals }, operatorContext(io, loadConfig(io.env)));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${name}: ${err.message}`);
      io.err(`Usage: openvisit ${cmd.usage}`);
      return 2;
    }
    if (err instanceof CommandError) {
      io.err(`${name}: ${err.message}`);
      return 1;
    }
    io.err(`${name} failed: ${oneLine(err)}`);
    return 1;
  }
}
