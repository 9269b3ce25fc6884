import type { FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/http/operation-outcome.js';
import type { Subsetter, SummaryMode } from '../search/query/index.js';
import { flag, queryPairs } from './context.js';

const SUMMARY = new Set(['true', 'text', 'data', 'false']);

/** Applies `_summary` / `_elements` of a read or vread to the stored JSON text. */
export function subsetForRead(
  subsetter: Subsetter,
  req: FastifyRequest,
  content: string,
  type: string,
): string {
  const pairs = queryPairs(req);
  const summary = flag(pairs, '_summary');
  const elements = flag(pairs, '_elements');
  if (summary === undefined && elements === undefined) return content;
  if (summary !== undefined && !SUMMARY.has(summary)) {
    throw badRequest(`The value of '_summary' on a read must be true, text, data or false`);
  }
  const list = elements
    ?.split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return subsetter.apply(content, type, summary as SummaryMode | undefined, list);
}
