// Migrations and the demo data are read from next to the compiled modules, so the build copies
// server/src/**/*.sql and server/src/demo/**/*.json into server/dist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'server', 'src');
const dist = path.join(root, 'server', 'dist');

let copied = 0;
for (const rel of fs.readdirSync(src, { recursive: true })) {
  if (typeof rel !== 'string') continue;
  const data = rel.endsWith('.json') && rel.split(path.sep)[0] === 'demo';
  if (!rel.endsWith('.sql') && !data) continue;
  const target = path.join(dist, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(src, rel), target);
  copied++;
}
console.log(`copied ${copied} SQL and data file(s) to server/dist`);
