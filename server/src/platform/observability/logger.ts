import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go; stdout by default. Tests pass a collecting stream. */
  stream?: DestinationStream;
}

/** Only the error's class, code and stack frames: its message may quote request data (PHI). */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .map((line) => line.trim());
  const code = (err as { code?: unknown }).code;
  return { type: err.name, ...(typeof code === 'string' ? { code } : {}), stack: frames };
}

/**
 * The process logger (Fastify's too). Request logging is done by the request-log plugin, which logs
 * route templates only; the serializers here make sure nothing else can put a URL, body or
 * credential into a line by accident.
 */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'openvisit' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      serializers: {
        err: safeError,
        error: safeError,
        req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
          method: req.method,
          route: req.routeOptions?.url ?? 'unmatched',
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    opts.stream,
  );
}
