/**
 * Helpers for the sign-in page tests: a small tag reader (the pages are generated, so attribute
 * values never contain a raw `>`), visible text, and one fixture of every page in every state.
 */

import { html } from '../../../src/auth/pages/html.js';
import type { Locale } from '../../../src/auth/pages/messages.js';
import {
  consentPage,
  errorPage,
  loggedOutPage,
  loginPage,
  logoutConfirmPage,
  mfaEnrollPage,
  mfaVerifyPage,
  patientPickerPage,
} from '../../../src/auth/pages/pages.js';
import type { ConsentScope } from '../../../src/auth/pages/scopes.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export interface Tag {
  name: string;
  /** Attribute values, decoded; an attribute without a value maps to ''. */
  attrs: Map<string, string>;
  /** Where the tag starts in the document. */
  index: number;
}

const VOID = new Set(['meta', 'link', 'input', 'br', 'img', 'hr', 'source', 'col', 'wbr', 'area', 'base']);

/** Every start tag, in order. */
export function startTags(doc: string): Tag[] {
  const tags: Tag[] = [];
  for (const m of doc.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) {
      attrs.set((a[1] ?? '').toLowerCase(), decodeEntities(a[2] ?? ''));
    }
    tags.push({ name: (m[1] ?? '').toLowerCase(), attrs, index: m.index });
  }
  return tags;
}

export function tagsNamed(doc: string, name: string): Tag[] {
  return startTags(doc).filter((t) => t.name === name);
}

/** Throws unless every non-void element is closed in order (catches markup broken by a value). */
export function assertBalanced(doc: string): void {
  const stack: string[] = [];
  for (const m of doc.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?>/g)) {
    const closing = m[1] === '/';
    const name = (m[2] ?? '').toLowerCase();
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}> at ${m.index}`);
    } else if (!VOID.has(name) && !m[0].endsWith('/>')) {
      stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
}

/** The text a reader sees or hears: the title, the body's text, and accessible-name attributes. */
export function visibleText(doc: string): string {
  const title = /<title>([\s\S]*?)<\/title>/.exec(doc)?.[1] ?? '';
  const body = /<body>([\s\S]*)<\/body>/.exec(doc)?.[1] ?? '';
  const names = startTags(doc).flatMap((t) =>
    ['aria-label', 'alt', 'title', 'placeholder'].flatMap((a) =>
      t.attrs.has(a) ? [t.attrs.get(a) ?? ''] : [],
    ),
  );
  const text = decodeEntities(body.replace(/<[^>]*>/g, ' '));
  return [decodeEntities(title), text, ...names].join('\n').replace(/\s+/g, ' ');
}

/** The fragments (≥ 12 characters, between placeholders) of a set of messages. */
export function longFragments(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    for (const part of value.split(/\{\w+\}/)) {
      const fragment = part.trim();
      if (fragment.length >= 12) out.add(fragment);
    }
  }
  return [...out];
}

/** The fragments of `values` that appear in the visible text of `doc`. */
export function leakedFragments(doc: string, values: Iterable<string>): string[] {
  const text = visibleText(doc);
  return longFragments(values).filter((f) => text.includes(f));
}

export const CSRF = 'csrf-token-1234';
export const STYLESHEET_URL = '/auth/assets/pages-3f9a.css';
export const SWITCH_URL = '/interaction/Xyz123';

export function context(locale: Locale) {
  return { locale, csrf: CSRF, assets: { stylesheetUrl: STYLESHEET_URL }, switchUrl: SWITCH_URL };
}

export const SCOPES: ConsentScope[] = [
  { text: 'openid', description: { kind: 'openid' } },
  { text: 'fhirUser', description: { kind: 'fhirUser' } },
  {
    text: 'patient/Observation.rs',
    description: {
      kind: 'resource',
      context: 'patient',
      resourceType: 'Observation',
      interactions: ['r', 's'],
    },
  },
  {
    text: 'patient/*.cruds',
    description: {
      kind: 'resource',
      context: 'patient',
      resourceType: '*',
      interactions: ['c', 'r', 'u', 'd', 's'],
    },
  },
  {
    text: 'user/Appointment.cu',
    description: { kind: 'resource', context: 'user', resourceType: 'Appointment', interactions: ['c', 'u'] },
  },
  {
    text: 'system/*.r',
    description: { kind: 'resource', context: 'system', resourceType: '*', interactions: ['r'] },
  },
  { text: 'offline_access', description: { kind: 'offline_access' } },
  { text: 'online_access', description: { kind: 'online_access' } },
  { text: 'launch', description: { kind: 'launch' } },
  { text: 'launch/patient', description: { kind: 'launch/patient' } },
  { text: 'launch/encounter', description: { kind: 'launch/encounter' } },
  { text: 'acme.billing', description: { kind: 'other' } },
];

const QR = html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 25 25"><rect x="${4}" y="${4}" width="1" height="1"/></svg>`;

export interface RenderedPage {
  name: string;
  doc: string;
}

/** Every page, in every state that changes its markup, with ordinary values. */
export function everyPage(locale: Locale): RenderedPage[] {
  const c = context(locale);
  const login = { ...c, action: '/interaction/Xyz123/login', tenantName: 'Riverside', clientName: 'CareApp' };
  const enroll = {
    ...c,
    action: '/interaction/Xyz123/mfa/enroll',
    secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    otpauthUri: 'otpauth://totp/OpenVisit:jdoe?secret=JBSWY3DPEHPK3PXP&issuer=OpenVisit',
  };
  const picker = { ...c, action: '/interaction/Xyz123/patient' };
  const results = [
    { id: 'p-1', name: 'Ana Pérez', birthDate: '1980-04-02' },
    { id: 'p-2', name: 'Ana Torres', birthDate: '1975-11' },
    { id: 'p-3', name: 'Ana Ruiz' },
  ];
  const consent = {
    ...c,
    action: '/interaction/Xyz123/consent',
    abortAction: '/interaction/Xyz123/abort',
    clientName: 'CareApp',
    scopes: SCOPES,
  };
  return [
    { name: 'login', doc: loginPage(login) },
    { name: 'login invalid', doc: loginPage({ ...login, username: 'jdoe', error: 'invalid' }) },
    { name: 'login required', doc: loginPage({ ...login, error: 'required' }) },
    { name: 'login locked', doc: loginPage({ ...login, error: 'locked', retryAfterSeconds: 300 }) },
    {
      name: 'login locked, one minute',
      doc: loginPage({ ...login, error: 'locked', retryAfterSeconds: 30 }),
    },
    { name: 'login locked, no wait', doc: loginPage({ ...login, error: 'locked' }) },
    { name: 'login disabled', doc: loginPage({ ...login, error: 'disabled' }) },
    {
      name: 'login with the tenant’s identity provider',
      doc: loginPage({
        ...login,
        federation: { displayName: 'Riverside SSO', url: '/interaction/Xyz123/federate' },
      }),
    },
    {
      name: 'login after a failed federated sign-in',
      doc: loginPage({
        ...login,
        error: 'federation',
        federation: { displayName: 'Riverside SSO', url: '/interaction/Xyz123/federate' },
      }),
    },
    { name: 'mfa enroll', doc: mfaEnrollPage({ ...enroll, qrSvg: QR }) },
    { name: 'mfa enroll, no QR', doc: mfaEnrollPage(enroll) },
    { name: 'mfa enroll invalid', doc: mfaEnrollPage({ ...enroll, qrSvg: QR, error: 'invalid-code' }) },
    { name: 'mfa verify', doc: mfaVerifyPage({ ...c, action: '/interaction/Xyz123/mfa' }) },
    {
      name: 'mfa verify invalid',
      doc: mfaVerifyPage({ ...c, action: '/interaction/Xyz123/mfa', error: 'invalid-code' }),
    },
    {
      name: 'mfa verify locked',
      doc: mfaVerifyPage({
        ...c,
        action: '/interaction/Xyz123/mfa',
        error: 'locked',
        retryAfterSeconds: 120,
      }),
    },
    { name: 'consent', doc: consentPage(consent) },
    { name: 'consent with patient', doc: consentPage({ ...consent, patientName: 'Ana Pérez' }) },
    { name: 'picker', doc: patientPickerPage({ ...picker, results: [] }) },
    { name: 'picker results', doc: patientPickerPage({ ...picker, query: 'Ana', results }) },
    {
      name: 'picker one result',
      doc: patientPickerPage({ ...picker, query: 'Ana P', results: results.slice(0, 1) }),
    },
    { name: 'picker no results', doc: patientPickerPage({ ...picker, query: 'Zzyzx', results: [] }) },
    {
      name: 'picker no selection',
      doc: patientPickerPage({ ...picker, query: 'Ana', results, error: 'no-selection' }),
    },
    {
      name: 'picker query required',
      doc: patientPickerPage({ ...picker, results: [], error: 'query-required' }),
    },
    { name: 'error generic', doc: errorPage({ ...c, title: 'generic', requestId: 'req-01J9Z' }) },
    { name: 'error expired', doc: errorPage({ ...c, title: 'expired' }) },
    { name: 'error not found', doc: errorPage({ ...c, title: 'not-found', requestId: 'req-01J9Z' }) },
    { name: 'logged out', doc: loggedOutPage(c) },
    {
      name: 'logout confirm',
      doc: logoutConfirmPage({ ...c, action: '/session/end/confirm', clientName: 'CareApp' }),
    },
    { name: 'logout confirm, no client', doc: logoutConfirmPage({ ...c, action: '/session/end/confirm' }) },
  ];
}
