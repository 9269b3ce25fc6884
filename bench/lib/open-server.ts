/**
 * The security benchmark's baseline: the same built server, on the same database, with the
 * security layer off (no authentication, no access policy, no audit). Started by security.ts as a
 * child process; `openvisit start` cannot run like this.
 * Env: DATABASE_URL (owner URL), PORT, LOG_LEVEL, OPENVISIT_TENANT.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type AppModule = typeof import('../../server/src/app.js');
type ConfigModule = typeof import('../../server/src/config.js');
type PoolModule = typeof import('../../server/src/platform/db/pool.js');
type TenantsModule = typeof import('../../server/src/platform/db/tenants.js');

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/dist');
const load = <T>(file: string) => import(pathToFileURL(path.join(dist, file)).href) as Promise<T>;

const { buildApp } = await load<AppModule>('app.js');
const { loadConfig } = await load<ConfigModule>('config.js');
const { Database } = await load<PoolModule>('platform/db/pool.js');
const { ensureTenant } = await load<TenantsModule>('platform/db/tenants.js');

const config = loadConfig(process.env);
if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
const db = new Database(config.databaseUrl, { max: config.dbPoolSize });
const tenantId = await ensureTenant(db, config.defaultTenant);
const app = await buildApp({ config, db, tenantId, security: { mode: 'open' } });
await app.listen({ host: config.host, port: config.port });
const stop = () => {
  void app
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
