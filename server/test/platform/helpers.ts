import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import type { TestDatabase } from '../support/database.js';

/** Every log line an app wrote, as text and parsed. */
export class LogCapture {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    BASE_URL: 'http://openvisit.test',
    LOG_LEVEL: 'info',
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  logs: LogCapture;
}

export async function testApp(
  t: TestDatabase,
  extra: Partial<AppDeps> & { env?: Record<string, string>; routes?: (app: FastifyInstance) => void } = {},
): Promise<TestApp> {
  const logs = new LogCapture();
  const { env, routes, ...deps } = extra;
  const config = testConfig(env);
  const app = await buildApp({
    config,
    db: t.db,
    tenantId: t.tenantA,
    logger: createLogger({ level: 'info', stream: logs }),
    // The platform's own behaviour; the security layer has its tests under test/auth.
    security: { mode: 'open' },
    ...deps,
  });
  routes?.(app);
  await app.ready();
  return { app, logs };
}
