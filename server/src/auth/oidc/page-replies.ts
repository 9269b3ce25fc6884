import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorPage, pickLocale, type Locale } from '../pages/index.js';

/** How the sign-in pages answer: their locale, headers, and the page for a flow that cannot go on. */
export function pageReplies(stylesheetUrl: string) {
  const localeOf = (req: FastifyRequest): Locale => {
    const query = req.query as { lang?: string };
    const cookie = /(?:^|;\s*)ov_lang=(en|es)/.exec(req.headers.cookie ?? '')?.[1];
    return pickLocale(req.headers['accept-language'], query.lang ?? cookie);
  };

  /** `formTargets`: origins a form may post (or redirect) to besides this one. */
  const send = (reply: FastifyReply, body: string, formTargets: string[] = [], status = 200) => {
    const formAction = ["'self'", ...formTargets].join(' ');
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      )
      .header('cache-control', 'no-store')
      .send(body);
  };

  /** The sign-in expired, belongs to another browser, or was tampered with. */
  const expired = (req: FastifyRequest, reply: FastifyReply) =>
    send(
      reply,
      errorPage({
        locale: localeOf(req),
        assets: { stylesheetUrl },
        switchUrl: req.url.split('?')[0] ?? '/',
        title: 'expired',
        requestId: req.id,
      }),
      [],
      400,
    );

  return { localeOf, send, expired };
}
