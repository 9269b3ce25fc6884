import { auditMigrations } from './auth/audit/migrations.js';
import { identityMigrations } from './auth/identity/migrations.js';
import { fhirMigrations } from './fhir/storage/migrations.js';
import { schedulingMigrations } from './modules/scheduling/migrations.js';
import { visitsMigrations } from './modules/visits/migrations.js';
import { platformMigrations, type MigrationSource } from './platform/db/migrate.js';

/** Every schema the application needs, in the order it is applied (platform first: FHIR tables reference tenant). */
export const appMigrations: MigrationSource[] = [
  platformMigrations,
  fhirMigrations,
  auditMigrations,
  identityMigrations,
  schedulingMigrations,
  visitsMigrations,
];
