/**
 * The web app's weight and first load: gzip sizes of the built bundles (entry and per-route chunks),
 * and, in Chromium on a fresh profile each time (cold cache), how long /app/ takes until its sign-in
 * button can be used, against a minimal page with one button served from loopback in the same run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../server/test/browser/support/chromium.js';
import { startOpenVisit } from './lib/openvisit.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH_DIR, '..');
const DIST = path.join(REPO, 'web', 'dist');
const LOADS = 15;
const TARGET_MS = 2000;
const TARGET_MAIN_KB = 250;

const kb = (n: number) => (n / 1024).toFixed(1);
const gzipSize = (file: string) => zlib.gzipSync(fs.readFileSync(file)).length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] ?? Number.NaN;
}

/** Entry script and stylesheet named by index.html, and every other chunk. */
function bundles(): { entry: string[]; chunks: string[] } {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/(?:src|href)="\/app\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) =>
    path.join(DIST, m[1] ?? ''),
  );
  const all = fs.readdirSync(path.join(DIST, 'assets')).map((f) => path.join(DIST, 'assets', f));
  return { entry, chunks: all.filter((f) => !entry.includes(f) && f.endsWith('.js')) };
}

/** Milliseconds from navigation until `selector` is visible and enabled, on a fresh profile. */
async function coldLoad(
  url: string,
  ready: (page: import('playwright-core').Page) => Promise<void>,
): Promise<number> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    await ready(page);
    return Date.now() - start;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-build'))
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  const { entry, chunks } = bundles();
  const entryJs = entry.filter((f) => f.endsWith('.js')).reduce((a, f) => a + gzipSize(f), 0);
  const entryCss = entry.filter((f) => f.endsWith('.css')).reduce((a, f) => a + gzipSize(f), 0);
  console.log('Bundles (gzip):');
  console.log(
    `  entry script   ${kb(entryJs).padStart(7)} KB  (${entry
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.basename(f))
      .join(', ')})`,
  );
  console.log(`  entry styles   ${kb(entryCss).padStart(7)} KB`);
  const sized = chunks
    .map((f) => ({ name: path.basename(f), size: gzipSize(f) }))
    .sort((a, b) => b.size - a.size);
  for (const c of sized) console.log(`  ${c.name.padEnd(32)} ${kb(c.size).padStart(7)} KB`);

  // The floor: one HTML page with one button, from loopback, in the same Chromium.
  const floor = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>floor</title><button>Sign in</button></html>');
  });
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  const floorPort = (floor.address() as { port: number }).port;

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-web-'));
  fs.chmodSync(workDir, 0o755);
  const server = await startOpenVisit({ repoRoot: REPO, workDir, logLevel: 'warn' });
  const app: number[] = [];
  const base: number[] = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      base.push(
        await coldLoad(`http://127.0.0.1:${floorPort}/`, (p) =>
          p.getByRole('button', { name: 'Sign in' }).waitFor(),
        ),
      );
      app.push(
        await coldLoad(`${server.origin}/app/`, async (p) => {
          const button = p.getByRole('button', { name: /^(Sign in|Iniciar sesión)$/ });
          await button.waitFor({ timeout: 30_000 });
          if (!(await button.isEnabled())) throw new Error('the sign-in button is not enabled');
        }),
      );
    }
  } finally {
    await server.stop();
    floor.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const appMedian = median(app);
  console.log(`\nFirst page interactive, cold cache, ${LOADS} loads each (Chromium, loopback):`);
  console.log(`  /app/ sign-in button usable   median ${appMedian} ms, p90 ${p90(app)} ms`);
  console.log(`  one-button page (floor)       median ${median(base)} ms, p90 ${p90(base)} ms`);
  console.log(`  ratio app / floor             ${(appMedian / median(base)).toFixed(2)}`);
  const pass = p90(app) <= TARGET_MS && entryJs / 1024 <= TARGET_MAIN_KB;
  console.log(
    `\nTargets: first page interactive ≤ ${TARGET_MS} ms (p90 ${p90(app)} ms), main bundle ≤ ${TARGET_MAIN_KB} KB gzip (${kb(entryJs)} KB): ${pass ? 'PASS' : 'FAIL'}`,
  );
  return pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
