import { SendError } from '../errors.js';
import type { SmsProvider } from './provider.js';

export interface TwilioOptions {
  /** `https://api.twilio.com` unless pointed at a compatible service (or a test server). */
  apiBase?: string;
  accountSid: string;
  authToken: string;
  /** A sending number (E.164), or a Messaging Service SID (`MG…`). */
  from: string;
  /** The longest one request may take; well below the worker's lease (see README.md). */
  timeoutMs?: number;
}

/**
 * Twilio's Messages API (and compatible ones) over fetch. The notice's token goes in
 * `I-Twilio-Idempotency-Token`, so a resend after a crash is recognised and not delivered again.
 */
export class TwilioSmsProvider implements SmsProvider {
  private readonly url: string;
  private readonly auth: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TwilioOptions) {
    const base = (opts.apiBase ?? 'https://api.twilio.com').replace(/\/+$/, '');
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
    this.auth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async send(msg: { to: string; body: string; idempotencyKey: string }): Promise<{ messageId: string }> {
    const form = new URLSearchParams({ To: msg.to, Body: msg.body });
    if (/^MG[0-9a-f]{32}$/i.test(this.opts.from)) form.set('MessagingServiceSid', this.opts.from);
    else form.set('From', this.opts.from);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: this.auth,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'I-Twilio-Idempotency-Token': msg.idempotencyKey,
        },
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error)?.name;
      throw new SendError(
        name === 'TimeoutError' || name === 'AbortError' ? 'sms-timeout' : 'sms-network',
        false,
      );
    }
    if (!res.ok) {
      // The body is not read: it may echo the number.
      await res.body?.cancel().catch(() => undefined);
      // 400: the request itself is refused (an invalid or unsubscribed number); 401/403 are the
      // deployment's credentials and 429/5xx the provider's state, which an operator or time fixes.
      throw new SendError(`sms-http-${res.status}`, res.status === 400);
    }
    let sid: unknown;
    try {
      sid = ((await res.json()) as { sid?: unknown }).sid;
    } catch {
      sid = undefined;
    }
    if (typeof sid !== 'string' || sid === '') throw new SendError('sms-bad-response', false);
    return { messageId: sid.slice(0, 200) };
  }
}
