import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PageGlobals } from './page-globals.js';

/** Debian's Chromium; playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** How every test (and the web bench) starts Chromium: headless, no sandbox (root), no outside traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of the test runs (ignored by git). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface ChromiumSession {
  context: BrowserContext;
  /** Requests the pages made to anywhere but the allowed origins (each was aborted). */
  blocked: string[];
  /** Content-Security-Policy violations the pages reported, each with the page's URL. */
  cspViolations: string[];
  /** Cross-origin requests the browser refused because of the answer's CORS headers. */
  corsErrors: string[];
  /** Uncaught exceptions of the pages' scripts. */
  pageErrors: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Origins the pages may reach; every other request is aborted and recorded in `blocked`. */
  allowedOrigins: string[];
  /** The browser's language, sent as Accept-Language. Default `en-US`. */
  locale?: string;
  /**
   * Turns off the pages' Content-Security-Policy. Off by default: the pages are tested with their
   * real policy (axe is evaluated through the DevTools protocol, which CSP does not restrict).
   */
  bypassCSP?: boolean;
  /** Flags added to CHROMIUM_ARGS, e.g. fake media devices or loopback ICE for the video tests. */
  extraArgs?: readonly string[];
}

/**
 * Chromium on a fresh profile (its own temporary user data dir, removed by `close`), headless, with
 * the network limited to the given origins.
 */
export async function launchChromium(opts: LaunchOptions): Promise<ChromiumSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
      locale: opts.locale ?? 'en-US',
      bypassCSP: opts.bypassCSP ?? false,
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const blocked: string[] = [];
  const cspViolations: string[] = [];
  const corsErrors: string[] = [];
  const pageErrors: string[] = [];
  const allowed = new Set(opts.allowedOrigins.map((o) => new URL(o).origin));
  await context.route(
    (url) => !allowed.has(url.origin) && url.protocol !== 'data:' && url.protocol !== 'about:',
    async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      const text = msg.text();
      if (/Content Security Policy/i.test(text)) cspViolations.push(`${page.url()}: ${text}`);
      if (/CORS policy/.test(text)) corsErrors.push(text);
    });
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  let closed = false;
  return {
    context,
    blocked,
    cspViolations,
    corsErrors,
    pageErrors,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practices) on the page and returns the serious and
 * critical violations. The script is evaluated through the DevTools protocol, so the page's
 * Content-Security-Policy (`default-src 'none'`, no inline scripts) does not block it.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => (globalThis as unknown as PageGlobals).axe !== undefined);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    if (!axe) throw new Error('axe-core did not load');
    const result = (await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    })) as { violations: AxeViolation[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html,
        ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
      })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list of violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.html}`).join('\n')}`)
    .join('\n');
}

/**
 * Full-page screenshots of the page at each width (height follows the content), saved as
 * `artifacts/<name>-<width>.png`; the viewport is restored afterwards. Returns the files written.
 */
export async function screenshots(page: Page, name: string, widths = [1280, 390]): Promise<string[]> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 800 });
      const file = path.join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      files.push(file);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return files;
}
