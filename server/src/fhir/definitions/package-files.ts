import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Folder of the official R4 package (npm hl7.fhir.r4.examples@4.0.1): definitions and examples. */
export const R4_PACKAGE_DIR = path.dirname(require.resolve('hl7.fhir.r4.examples/package.json'));

export function readPackageJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(R4_PACKAGE_DIR, file), 'utf8')) as T;
}

export function listPackageFiles(prefix: string): string[] {
  return fs
    .readdirSync(R4_PACKAGE_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort();
}
