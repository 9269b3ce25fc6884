/** Collects bind values and hands out their placeholders; `$1` is always the tenant id. */
export class SqlParams {
  readonly values: unknown[];
  private aliases = 0;

  constructor(tenantId: number) {
    this.values = [tenantId];
  }

  /** A fresh table alias, so nested subqueries never shadow each other. */
  alias(prefix: string): string {
    this.aliases++;
    return `${prefix}${this.aliases}`;
  }

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }

  /** `col = $n` for one id, `col = ANY($n)` for several: a single id gives the planner exact statistics. */
  inIds(col: string, ids: readonly number[]): string {
    if (ids.length === 1) return `${col} = ${this.add(ids[0], 'int')}`;
    return `${col} = ANY(${this.add(ids, 'int[]')})`;
  }

  inTexts(col: string, texts: readonly string[]): string {
    if (texts.length === 1) return `${col} = ${this.add(texts[0], 'text')}`;
    return `${col} = ANY(${this.add(texts, 'text[]')})`;
  }
}

export const TENANT = '$1';

/** Escapes LIKE wildcards so a search value only ever matches literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function or(parts: string[]): string {
  if (parts.length === 0) return 'false';
  return parts.length === 1 ? (parts[0] ?? 'false') : `(${parts.join(' OR ')})`;
}

export function and(parts: string[]): string {
  if (parts.length === 0) return 'true';
  return parts.length === 1 ? (parts[0] ?? 'true') : `(${parts.join(' AND ')})`;
}
