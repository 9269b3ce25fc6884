// Migrations are read from next to the compiled modules, so the build copies server/src/**/*.sql into server/dist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'server', 'src');
const dist = path.join(root, 'server', 'dist');

let copied = 0;
for (const rel of fs.readdirSync(src, { recursive: true })) {
  if (typeof rel !== 'string' || !rel.endsWith('.sql')) continue;
  const target = path.join(dist, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(src, rel), target);
  copied++;
}
console.log(`copied ${copied} SQL file(s) to server/dist`);
