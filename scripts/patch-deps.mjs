#!/usr/bin/env node
// Applies the patches OpenVisit carries to its dependencies (run by `postinstall`). Each patch is
// for one exact version: when the installed version differs, this fails, so whoever upgrades the
// dependency decides whether the patch is still needed (docs/decisions/0025-ws-receiver-patch.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PATCHES = [
  {
    pkg: 'ws',
    version: '8.23.0',
    file: 'lib/receiver.js',
    why: 'a text message reuses its receiver’s fragment list instead of leaving a new one behind',
    edits: [
      {
        from: `    this._numFragments = 0;
    this._fragments = [];

    if (this._opcode === 2) {
      let data;
`,
        to: `    this._numFragments = 0;

    if (this._opcode === 2) {
      // Binary data may be the list itself (binaryType 'fragments'): the next message gets a new one.
      this._fragments = [];
      let data;
`,
      },
      {
        from: `    } else {
      const buf = concat(fragments, messageLength);
`,
        to: `    } else {
      const buf = concat(fragments, messageLength);
      // OpenVisit patch: the list is emptied and kept. A new list per message lived until the
      // socket's next message, long enough to be promoted, and as dead old-generation garbage it
      // then kept that next message's buffers alive until a full collection.
      fragments.length = 0;
`,
      },
    ],
  },
];

let failed = false;
for (const p of PATCHES) {
  const dir = path.join(root, 'node_modules', p.pkg);
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) continue; // not installed (e.g. a production install without it)
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  const target = path.join(dir, p.file);
  let text = fs.readFileSync(target, 'utf8');
  if (p.edits.every((e) => text.includes(e.to))) {
    console.log(`patch-deps: ${p.pkg} ${version}: already patched (${p.why})`);
    continue;
  }
  if (version !== p.version || !p.edits.every((e) => text.includes(e.from))) {
    console.error(
      `patch-deps: ${p.pkg} ${version} is installed; its patch is for ${p.version} (${p.why}). ` +
        'Check whether the new version still needs it and update scripts/patch-deps.mjs.',
    );
    failed = true;
    continue;
  }
  for (const e of p.edits) text = text.replace(e.from, e.to);
  fs.writeFileSync(target, text);
  console.log(`patch-deps: ${p.pkg} ${version}: patched (${p.why})`);
}
process.exit(failed ? 1 : 0);
