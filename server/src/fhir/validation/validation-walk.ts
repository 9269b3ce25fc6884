import type { Issue, IssueCode } from '../../platform/http/operation-outcome.js';

/**
 * State of one validation pass: the issues found and the current location, kept as a stack of names and
 * indices so that an expression string is only built when an issue is reported.
 */
/**
 * Deepest location walked. The REST layer already limits JSON nesting; this keeps the validator's own
 * recursion (several frames per level) bounded whatever the caller passes. Real resources stay far below.
 */
const MAX_DEPTH = 256;

export class ValidationWalk {
  readonly issues: Issue[] = [];
  private readonly names: string[] = [];
  private readonly indices: number[] = [];
  private depth = 0;
  /** Ids of the contained resources that `#id` references in the current resource can resolve to. */
  localIds: ReadonlySet<string> | undefined;

  push(name: string): void {
    this.names[this.depth] = name;
    this.indices[this.depth] = -1;
    this.depth++;
  }

  get tooDeep(): boolean {
    return this.depth > MAX_DEPTH;
  }

  pop(): void {
    this.depth--;
  }

  /** Sets the array index of the innermost name (-1 for none). */
  at(index: number): void {
    this.indices[this.depth - 1] = index;
  }

  /** The FHIRPath of the current location, optionally extended by a child name. */
  expression(child?: string): string {
    let out = '';
    for (let i = 0; i < this.depth; i++) {
      if (i > 0) out += '.';
      out += this.names[i];
      const index = this.indices[i] ?? -1;
      if (index >= 0) out += `[${index}]`;
    }
    if (child !== undefined) out += out === '' ? child : `.${child}`;
    return out;
  }

  report(code: IssueCode, diagnostics: string, child?: string): void {
    this.issues.push({ severity: 'error', code, diagnostics, expression: [this.expression(child)] });
  }
}
