import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { messages } from '../../src/auth/pages/messages.js';
import { TOTP_PERIOD_MS, totpCodeAt, totpStepAt } from '../../src/auth/credentials/totp.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { en } from '../../../web/src/i18n/en.js';
import { es } from '../../../web/src/i18n/es.js';
import { describeViolations, runAxe, screenshots } from '../browser/support/chromium.js';

/** What the web app's tests in Chromium share: signing in and out, and the accessibility checks. */

/**
 * From the app's front page (in English; the language picked earlier is remembered by the browser)
 * through the sign-in pages as `username`, allowing the app; staff enrol TOTP on the way.
 */
export async function signInThroughApp(page: Page, username: string): Promise<void> {
  await page.getByLabel(/^(Language|Idioma)$/).selectOption('en');
  await page.getByRole('button', { name: en['landing.signIn'] }).click();
  await page.getByLabel(messages.en.loginUsername).fill(username);
  await page.getByLabel(messages.en.loginPassword).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: messages.en.loginSubmit }).click();
  if (!['patient@demo', 'caregiver@demo'].includes(username)) {
    const secret = (await page.locator('figure.secret code').innerText()).replace(/\s/g, '');
    await page.locator('#code').fill(totpCodeAt(secret, Date.now()));
    await page.getByRole('button', { name: messages.en.mfaEnrollSubmit }).click();
  }
  await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).click();
}

/** Signs out through the app; the provider's logout page asks once to confirm. */
export async function signOut(page: Page, base: string, label: string): Promise<void> {
  await page.getByRole('button', { name: label }).click();
  await page.waitForURL((url) => url.pathname === '/app/' || url.pathname.startsWith('/oauth/session/end'));
  if (new URL(page.url()).pathname.startsWith('/oauth/session/end')) {
    await page.getByRole('button').first().click();
    await page.waitForURL(`${base}/app/`);
  }
}

/** Axe finds nothing serious, the page fits a 360 px phone without scrolling sideways, screenshots. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const violations = await runAxe(page);
  assert.deepEqual(violations, [], `${name}: ${describeViolations(violations)}`);
  await screenshots(page, `web-${name}`);
  const before = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    const overflow = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document;
      return doc.documentElement.scrollWidth - (globalThis as unknown as { innerWidth: number }).innerWidth;
    });
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow} px at 360 px wide`);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** Every visible text node of the page and every accessible name given by attribute (runs in it). */
const COLLECT_TEXTS = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && !parent.closest('[hidden], [aria-hidden="true"], script, style'))
      out.push((n.textContent || '').trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]'))
    for (const attr of ['aria-label', 'placeholder', 'title']) out.push((el.getAttribute(attr) || '').trim());
  return out.filter(Boolean);
})()`;

/**
 * No string of the app's English is on a page shown in Spanish: not in a text node, nor in an
 * accessible name. A one-word string counts when it is a whole text (the record's own data stays
 * as written: "High Density Lipoprotein" is data, a badge "High" is the app); longer ones anywhere.
 * `data` names texts of the page's data that contain app words ("Primary care video visit" is a
 * visit type's configured name, not the app's "Primary care"): they are left out before looking.
 */
export async function assertNoEnglish(page: Page, name: string, data: readonly string[] = []): Promise<void> {
  const texts = ((await page.evaluate(COLLECT_TEXTS)) as string[]).map((t) =>
    data.reduce((text, d) => text.split(d).join(' '), t),
  );
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const english = Object.entries(en).filter(([key, text]) => {
    if (text === es[key as keyof typeof es] || text.includes('{')) return false;
    if (!/\s/.test(text)) return texts.includes(text);
    const re = new RegExp(`(^|[^\\p{L}])${escape(text)}($|[^\\p{L}])`, 'u');
    return texts.some((t) => re.test(t));
  });
  assert.deepEqual(english, [], `English left on the Spanish page ${name}`);
}

/** Each staff account's TOTP secret (from its enrolment in this run) and the last time step used. */
const staffTotp = new Map<string, { secret: string; step: number }>();

/**
 * Like `signInThroughApp`, for staff who sign in more than once in a run: the first sign-in enrols
 * TOTP and keeps the secret; a later one enters the code of a time step after the last one used
 * (the server never takes a step twice; it takes one step ahead of its clock), waiting if needed.
 */
export async function signInStaffThroughApp(page: Page, username: string): Promise<void> {
  await page.getByLabel(/^(Language|Idioma)$/).selectOption('en');
  await page.getByRole('button', { name: en['landing.signIn'] }).click();
  await page.getByLabel(messages.en.loginUsername).fill(username);
  await page.getByLabel(messages.en.loginPassword).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: messages.en.loginSubmit }).click();
  await page.locator('#code').waitFor();
  const known = staffTotp.get(username);
  const enrolling = (await page.locator('figure.secret code').count()) > 0;
  assert.ok(enrolling || known, `${username} was enrolled before this run's first sign-in`);
  const secret = enrolling
    ? (await page.locator('figure.secret code').innerText()).replace(/\s/g, '')
    : (known?.secret ?? '');
  const step = Math.max(totpStepAt(Date.now()), enrolling ? -Infinity : (known?.step ?? -Infinity) + 1);
  while (step > totpStepAt(Date.now()) + 1) await new Promise((r) => setTimeout(r, 500));
  await page.locator('#code').fill(totpCodeAt(secret, step * TOTP_PERIOD_MS));
  staffTotp.set(username, { secret, step });
  await page
    .getByRole('button', { name: enrolling ? messages.en.mfaEnrollSubmit : messages.en.mfaVerifySubmit })
    .click();
  await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).click();
}
