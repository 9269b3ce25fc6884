import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// A caller's id is echoed into logs and headers, so only a short, inert token is accepted.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: the caller's X-Request-Id when it is safe to echo, else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SAFE_ID.test(given)) return given;
  return crypto.randomUUID();
}
