import { validTimeZone } from './patient.js';

export interface SmtpConfig {
  url: string;
  from: string;
}

export interface TwilioConfig {
  provider: 'twilio';
  apiBase: string;
  accountSid: string;
  authToken: string;
  from: string;
}

/** Notification settings; a channel left unconfigured has its notices skipped, not failed. */
export interface NotifyConfig {
  /** Portal links are `${baseUrl}/app/appointments/…`. */
  baseUrl: string;
  /** The zone of patients who recorded none. */
  defaultTimeZone: string;
  /** Reminders go this many minutes before an appointment. */
  reminderOffsetsMin: number[];
  /** How often the worker looks for due notices. */
  pollMs: number;
  email: SmtpConfig | undefined;
  sms: TwilioConfig | undefined;
}

const DEFAULT_OFFSETS = [1440, 60];
const MAX_OFFSET_MIN = 60 * 24 * 60;

/**
 * Reads the notification settings (README.md lists them). Errors name the variable, never its
 * value: SMTP_URL and SMS_AUTH_TOKEN hold credentials.
 */
export function notifyConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { baseUrl?: string } = {},
): NotifyConfig {
  return {
    baseUrl: baseUrl(env.BASE_URL || defaults.baseUrl || 'http://localhost:8080'),
    defaultTimeZone: timeZone(env.NOTIFY_TIME_ZONE || 'America/New_York'),
    reminderOffsetsMin: offsets(env.REMINDER_OFFSETS),
    pollMs: pollMs(env.NOTIFY_POLL_MS),
    email: smtp(env),
    sms: sms(env),
  };
}

function baseUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error('BASE_URL must be an absolute http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error('BASE_URL must be an absolute http(s) URL');
  return v.replace(/\/+$/, '');
}

function timeZone(v: string): string {
  if (!validTimeZone(v)) throw new Error('NOTIFY_TIME_ZONE must be an IANA time zone, e.g. America/New_York');
  return v;
}

/** `1440,60` (minutes before the start); `none` for no reminders. */
function offsets(v: string | undefined): number[] {
  if (v === undefined || v.trim() === '') return DEFAULT_OFFSETS;
  if (v.trim().toLowerCase() === 'none') return [];
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0 || n > MAX_OFFSET_MIN))
    throw new Error(`REMINDER_OFFSETS must be minutes (1 to ${MAX_OFFSET_MIN}) separated by commas, or none`);
  return [...new Set(list)].sort((a, b) => b - a);
}

function pollMs(v: string | undefined): number {
  if (v === undefined || v === '') return 15_000;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 100) throw new Error('NOTIFY_POLL_MS must be an integer of at least 100');
  return n;
}

function smtp(env: NodeJS.ProcessEnv): SmtpConfig | undefined {
  const url = env.SMTP_URL?.trim();
  if (!url) return undefined;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error('SMTP_URL must be a URL like smtp://user:password@host:587');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    throw new Error('SMTP_URL must be a URL like smtp://user:password@host:587');
  const from = env.MAIL_FROM?.trim();
  if (!from || !/@/.test(from))
    throw new Error('MAIL_FROM must be set to a sending address when SMTP_URL is set');
  return { url, from };
}

function sms(env: NodeJS.ProcessEnv): TwilioConfig | undefined {
  const provider = env.SMS_PROVIDER?.trim().toLowerCase();
  if (!provider || provider === 'none') return undefined;
  if (provider !== 'twilio') throw new Error('SMS_PROVIDER must be twilio (or unset)');
  const accountSid = env.SMS_ACCOUNT_SID?.trim();
  const authToken = env.SMS_AUTH_TOKEN?.trim();
  const from = env.SMS_FROM?.trim();
  if (!accountSid || !authToken || !from)
    throw new Error('SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM must be set when SMS_PROVIDER is set');
  const apiBase = env.SMS_API_BASE?.trim() || 'https://api.twilio.com';
  let u: URL;
  try {
    u = new URL(apiBase);
  } catch {
    throw new Error('SMS_API_BASE must be an absolute http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error('SMS_API_BASE must be an absolute http(s) URL');
  return { provider: 'twilio', apiBase, accountSid, authToken, from };
}
