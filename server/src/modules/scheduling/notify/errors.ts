/**
 * A failed send, reduced to what may be stored and logged: a short code (`smtp-451`,
 * `sms-http-503`, `sms-network`) and whether trying again could help. Never the provider's message,
 * which may quote the recipient's address or number.
 */
export class SendError extends Error {
  constructor(
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(`notification send failed: ${code}`);
    this.name = 'SendError';
  }
}

/** A stored code: lower case, digits and dashes, as the table's CHECK requires. */
export function errorCode(err: unknown): string {
  if (err instanceof SendError) return err.code;
  return 'internal';
}
