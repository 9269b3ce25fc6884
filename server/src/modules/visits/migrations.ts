import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '../../platform/db/migrate.js';

export const visitsMigrations: MigrationSource = {
  scope: 'visits',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
};
