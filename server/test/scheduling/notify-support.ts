import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { definitions } from '../../src/fhir/definitions/index.js';
import { OPEN_ACCESS } from '../../src/fhir/interactions/access.js';
import { createResource } from '../../src/fhir/interactions/write.js';
import { createFhirDeps, type FhirDeps } from '../../src/fhir/rest/deps-factory.js';
import { SearchParamRegistry } from '../../src/fhir/storage/search-param-registry.js';
import { SendError } from '../../src/modules/scheduling/notify/errors.js';
import type { SmsProvider } from '../../src/modules/scheduling/notify/sms/provider.js';
import type { Database } from '../../src/platform/db/pool.js';
import type { TestDatabase } from '../support/database.js';

// ---------- a real SMTP server on 127.0.0.1 ----------

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** The next `times` messages are refused with this reply code after DATA. */
  refuseNext(responseCode: number, times?: number): void;
  /** Resolves once `count` messages have been accepted. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let refuse: { code: number; times: number } | undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret') cb(null, { user: 'mailer' });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse && refuse.times > 0) {
          refuse.times--;
          const err: SMTPServerError = new Error('try again later');
          err.responseCode = refuse.code;
          cb(err);
          return;
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const w of waiters.filter((w) => messages.length >= w.count)) w.resolve();
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://mailer:s3cret@127.0.0.1:${port}`,
    messages,
    refuseNext(code, times = 1) {
      refuse = { code, times };
    },
    waitFor(count) {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------- a small MIME reader (enough for what nodemailer writes) ----------

export interface MailPart {
  headers: Map<string, string>;
  contentType: string;
  filename: string | undefined;
  content: string;
}

export interface ParsedMail {
  headers: Map<string, string>;
  messageId: string;
  subject: string;
  parts: MailPart[];
  text: string;
  html: string;
  ics: MailPart | undefined;
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(value);
  return m?.[1];
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const soft = body.replace(/=\r\n/g, '');
      const bytes: number[] = [];
      for (let i = 0; i < soft.length; i++) {
        const hex = soft.slice(i + 1, i + 3);
        if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
      }
      return Buffer.from(bytes).toString('utf8');
    }
    default:
      return body;
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). */
export function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _cs: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeBody(data.replace(/_/g, ' '), 'quoted-printable'),
    );
}

function leaves(raw: string): MailPart[] {
  const { headers, body } = splitHead(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = param(type, 'boundary');
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections
      .filter((s) => !s.startsWith('--'))
      .flatMap((s) => leaves(s.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const disposition = headers.get('content-disposition') ?? '';
  return [
    {
      headers,
      contentType: type,
      filename: param(disposition, 'filename') ?? param(type, 'name'),
      content: decodeBody(body, headers.get('content-transfer-encoding')),
    },
  ];
}

export function parseMail(raw: string): ParsedMail {
  const { headers } = splitHead(raw);
  const parts = leaves(raw);
  const byType = (t: string) => parts.find((p) => p.contentType.toLowerCase().startsWith(t));
  return {
    headers,
    messageId: headers.get('message-id') ?? '',
    subject: decodeWords(headers.get('subject') ?? ''),
    parts,
    text: byType('text/plain')?.content ?? '',
    html: byType('text/html')?.content ?? '',
    ics: byType('text/calendar'),
  };
}

/** An iCalendar object's properties, unfolded: name (without parameters) → values. */
export function parseIcs(ics: string): Map<string, string[]> {
  const props = new Map<string, string[]>();
  for (const line of ics.replace(/\r\n[ \t]/g, '').split('\r\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = (line.slice(0, i).split(';')[0] as string).toUpperCase();
    props.set(name, [...(props.get(name) ?? []), line.slice(i + 1)]);
  }
  return props;
}

// ---------- the SMS network's test double ----------

export interface SentSms {
  to: string;
  body: string;
  idempotencyKey: string;
}

/** Stands in for the SMS network: records every send; can be told to fail the next ones. */
export class SmsDouble implements SmsProvider {
  readonly sent: SentSms[] = [];
  private failures: SendError[] = [];

  failNext(code: string, permanent = false, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(new SendError(code, permanent));
  }

  async send(msg: SentSms): Promise<{ messageId: string }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ ...msg });
    return {
      messageId: `SM${crypto.createHash('sha1').update(msg.idempotencyKey).digest('hex').slice(0, 32)}`,
    };
  }
}

// ---------- a Twilio-compatible API on 127.0.0.1 ----------

/** A local stand-in for the Twilio API: records requests, answers as told, dedupes by token. */
export interface FakeApi {
  url: string;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders; form: URLSearchParams }[];
  /** Distinct idempotency tokens accepted: what the provider actually delivered. */
  delivered: Set<string>;
  /** Status to answer with next (then 201 again); 'hang' never answers. */
  next: (number | 'hang')[];
  close(): Promise<void>;
}

export async function fakeTwilio(): Promise<FakeApi> {
  const api: Omit<FakeApi, 'url' | 'close'> = { requests: [], next: [], delivered: new Set() };
  const byToken = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      api.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, form });
      const status = api.next.shift() ?? 201;
      if (status === 'hang') return;
      if (status >= 300) {
        // Real providers echo the number in their errors: the client must not pass it on.
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 21211, message: `The 'To' number ${form.get('To')} is not valid.` }));
        return;
      }
      const token = String(req.headers['i-twilio-idempotency-token'] ?? crypto.randomUUID());
      const sid = byToken.get(token) ?? `SM${crypto.randomBytes(16).toString('hex')}`;
      byToken.set(token, sid);
      api.delivered.add(token);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid, status: 'queued', to: form.get('To') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...api,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------- patients and bookings ----------

export interface PatientSpec {
  given: string;
  family: string;
  birthDate?: string;
  email?: string;
  mobile?: string;
  channels?: ('email' | 'sms')[];
  language?: string;
  timeZone?: string;
}

let fhirDeps: FhirDeps | undefined;

async function fhirFor(db: Database): Promise<FhirDeps> {
  if (fhirDeps?.db !== db) {
    const defs = definitions();
    const registry = await SearchParamRegistry.load(db, defs);
    fhirDeps = await createFhirDeps({ db, defs, registry, fhirBaseUrl: 'http://localhost/fhir/R4' });
  }
  return fhirDeps;
}

/** A Patient written through the FHIR layer (validated, stored, indexed) as the platform. */
export async function createPatient(t: TestDatabase, tenantId: number, spec: PatientSpec): Promise<string> {
  const fhir = await fhirFor(t.db);
  const extension = [
    ...(spec.timeZone
      ? [{ url: 'http://hl7.org/fhir/StructureDefinition/tz-code', valueCode: spec.timeZone }]
      : []),
    ...(spec.channels ?? []).map((c) => ({ url: 'urn:openvisit:notification-channel', valueCode: c })),
  ];
  const resource = {
    resourceType: 'Patient',
    name: [{ use: 'official', family: spec.family, given: [spec.given, 'Middle'] }],
    ...(spec.birthDate ? { birthDate: spec.birthDate } : {}),
    telecom: [
      ...(spec.email ? [{ system: 'email', value: spec.email, use: 'home' }] : []),
      ...(spec.mobile ? [{ system: 'phone', value: spec.mobile, use: 'mobile' }] : []),
      { system: 'phone', value: '+1 555 0100', use: 'home' },
    ],
    ...(spec.language
      ? {
          communication: [
            { language: { coding: [{ system: 'urn:ietf:bcp:47', code: spec.language }] }, preferred: true },
          ],
        }
      : {}),
    ...(extension.length > 0 ? { extension } : {}),
  };
  const written = await t.db.transaction(tenantId, (q) =>
    createResource(fhir.deps, { tenantId, access: OPEN_ACCESS, q }, 'Patient', resource),
  );
  return written.stored.id;
}

export interface BookingSpec {
  patientId: string;
  startsAt: Date;
  durationMin?: number;
  status?: string;
  version?: number;
  appointmentId?: string | null;
  practitionerId?: string;
  visitTypeId?: string;
}

/** A sched_booking row, written directly (the booking code is not under test here). */
export async function insertBooking(db: Database, tenantId: number, spec: BookingSpec): Promise<string> {
  const id = crypto.randomUUID();
  const end = new Date(spec.startsAt.getTime() + (spec.durationMin ?? 30) * 60_000);
  await db.query(
    tenantId,
    `INSERT INTO sched_booking (tenant_id, id, practitioner_id, patient_id, visit_type_id, modality,
       starts_at, ends_at, blocked, status, appointment_id, local_date, local_week, booked_by, version)
     VALUES ($1, $2, $3, $4, $5, 'video', $6, $7, tstzrange($6, $7), $8, $9, $6::date, $6::date, 'test', $10)`,
    [
      tenantId,
      id,
      spec.practitionerId ?? `prac-${crypto.randomUUID()}`,
      spec.patientId,
      spec.visitTypeId ?? 'bh-therapy-50',
      spec.startsAt,
      end,
      spec.status ?? 'booked',
      spec.appointmentId === undefined ? crypto.randomUUID() : spec.appointmentId,
      spec.version ?? 1,
    ],
  );
  return id;
}

export interface NoticeRow {
  id: string;
  idem_key: string;
  kind: string;
  channel: string;
  status: string;
  attempts: number;
  due_at: Date;
  last_error: string | null;
  provider_message_id: string | null;
  booking_id: string | null;
}

export async function notices(db: Database, tenantId: number, bookingId?: string): Promise<NoticeRow[]> {
  const res = await db.query<Record<string, unknown>>(
    tenantId,
    `SELECT id, idem_key, kind, channel, status, attempts, due_at, last_error, provider_message_id, booking_id
       FROM sched_notice WHERE tenant_id = $1 AND ($2::uuid IS NULL OR booking_id = $2) ORDER BY due_at, idem_key`,
    [tenantId, bookingId ?? null],
  );
  return res.rows as unknown as NoticeRow[];
}

/** Minutes from now. */
export function inMinutes(min: number, from = Date.now()): Date {
  return new Date(from + min * 60_000);
}
