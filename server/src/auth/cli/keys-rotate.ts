import { RETIRED_KEY_GRACE_SECONDS } from '../identity/signing-keys.js';
import { checkKeyring, UsageError, type OperatorCommand } from './common.js';

/** `openvisit keys rotate`: a new token signing key in front; the previous one keeps verifying. */
export const keysRotate: OperatorCommand = {
  words: ['keys', 'rotate'],
  usage: 'keys rotate',
  options: {},
  async run({ positionals }, ctx) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
    const { previous, kid } = await ctx.withDatabase(async (db) => {
      // Also proves these master keys are the server's: a key sealed under others could not be used.
      const keys = await checkKeyring(db, ctx.envelope());
      const before = await keys.load();
      return { previous: before.keys[0]?.kid, kid: await keys.rotate() };
    });
    const hours = Math.round((RETIRED_KEY_GRACE_SECONDS / 3600) * 10) / 10;
    ctx.io.out(
      [
        `New signing key: ${kid} (RS256); it signs every token from now on.`,
        `The previous key${previous ? ` ${previous}` : ''} stays published and keeps verifying the tokens it signed`,
        `for ${RETIRED_KEY_GRACE_SECONDS} s (${hours} h, RETIRED_KEY_GRACE_SECONDS).`,
        'Running servers pick up the new key within a minute; no restart is needed.',
      ].join('\n'),
    );
  },
};
