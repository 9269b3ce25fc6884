import nodemailer from 'nodemailer';
import type { NodemailerError, SMTPSentMessageInfo, Transporter } from 'nodemailer';
import { SendError } from '../errors.js';
import { messageIdFor } from '../keys.js';
import type { EmailSender, OutgoingEmail } from './sender.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** `OpenVisit <noreply@clinic.example>` or a bare address. */
  from: string;
  /**
   * The longest one send may take. It must stay well below the worker's lease, so that a message
   * still in flight is never sent a second time by another worker (see README.md).
   */
  timeoutMs?: number;
}

/** E-mail over SMTP with nodemailer: one connection per message (notices are few and spread out). */
export class SmtpEmailSender implements EmailSender {
  readonly fromAddress: string;
  private readonly domain: string;
  private readonly transporter: Transporter<SMTPSentMessageInfo>;
  private readonly timeoutMs: number;

  constructor(opts: SmtpOptions) {
    this.fromAddress = bareAddress(opts.from);
    const domain = this.fromAddress.split('@')[1] ?? '';
    this.domain = /^[a-z0-9.-]+$/i.test(domain) ? domain.toLowerCase() : 'openvisit';
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const phase = Math.min(30_000, this.timeoutMs);
    this.transporter = nodemailer.createTransport(
      {
        url: opts.url,
        connectionTimeout: phase,
        greetingTimeout: phase,
        socketTimeout: phase,
        // Messages are built from strings only: never let a field be read as a path or URL.
        disableFileAccess: true,
        disableUrlAccess: true,
      },
      { from: opts.from },
    );
  }

  async send(msg: OutgoingEmail): Promise<{ messageId: string }> {
    const messageId = messageIdFor(msg.idempotencyKey, this.domain);
    try {
      await this.transporter.sendMail({
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        attachments: msg.calendar
          ? [
              {
                filename: 'appointment.ics',
                content: msg.calendar.content,
                contentType: `text/calendar; charset=utf-8; method=${msg.calendar.method}`,
              },
            ]
          : [],
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw smtpError(err);
    }
    return { messageId };
  }
}

/** nodemailer's error as a code: the SMTP reply code when there is one, else its error class. */
function smtpError(err: unknown): SendError {
  const e = err as NodemailerError;
  if (
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError' ||
    e?.code === 'EABORT' ||
    e?.code === 'ETIMEDOUT'
  )
    return new SendError('smtp-timeout', false);
  if (typeof e?.responseCode === 'number')
    return new SendError(`smtp-${e.responseCode}`, e.permanent === true);
  if (typeof e?.code === 'string') {
    const code = `smtp-${e.code.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 40);
    // An address the server would never take (malformed): retrying cannot help.
    return new SendError(code, e.code === 'EENVELOPE');
  }
  return new SendError('smtp-error', false);
}

/** `Name <a@b>` → `a@b`. */
export function bareAddress(from: string): string {
  const m = /<([^<>]+)>\s*$/.exec(from);
  return (m?.[1] ?? from).trim();
}
