import { badRequest, preconditionFailed } from '../../platform/http/operation-outcome.js';
import type { InteractionDeps, Scope } from './deps.js';

/** Parses conditional criteria (`identifier=x&name=y`, optionally prefixed `Type?` or `?`) into pairs. */
export function parseCriteria(raw: string, type: string): [string, string][] {
  let text = raw.trim();
  if (text.startsWith(`${type}?`)) text = text.slice(type.length + 1);
  else if (text.startsWith('?')) text = text.slice(1);
  const pairs = [...new URLSearchParams(text).entries()];
  if (pairs.length === 0) throw badRequest('Conditional criteria must name at least one search parameter');
  return pairs;
}

/**
 * Serializes conditional writes with the same criteria inside the current transaction, so two
 * concurrent conditional creates cannot both see "no match" and both create.
 */
export async function lockCriteria(scope: Scope, type: string, criteria: [string, string][]): Promise<void> {
  const key = `${scope.tenantId}|${type}|${criteria
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&')}`;
  await scope.q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

/**
 * The one resource of `type` that `criteria` matches, or undefined when none does; 412 when several
 * do (a conditional interaction must not guess). `interaction` names it in the error.
 */
export async function findSingleMatch(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  criteria: [string, string][],
  interaction: string,
): Promise<{ id: string } | undefined> {
  const matches = await deps.matcher.match(scope, type, criteria, 2);
  if (matches.length > 1) {
    throw preconditionFailed(`${interaction}: the criteria match more than one resource`);
  }
  return matches[0];
}
