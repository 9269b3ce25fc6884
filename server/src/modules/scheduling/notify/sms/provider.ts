/** An SMS network. Implementations throw a SendError (a code, never the provider's message). */
export interface SmsProvider {
  /**
   * Sends one text. `idempotencyKey` is the same on every resend of one notice: a provider that
   * honours it delivers the text once however often it is called.
   */
  send(msg: { to: string; body: string; idempotencyKey: string }): Promise<{ messageId: string }>;
}
