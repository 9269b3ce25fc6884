import type { KoaContextWithOIDC } from 'oidc-provider';
import { errorPage, loggedOutPage, logoutConfirmPage, pickLocale } from '../pages/index.js';
import type { ProviderDeps } from './provider.js';

/** The provider's own HTML moments (errors it cannot redirect, sign-out) rendered as our pages. */
export function providerViews(stylesheetUrl: string): ProviderDeps['views'] {
  const base = (ctx: KoaContextWithOIDC) => ({
    locale: pickLocale(ctx.get('accept-language') || undefined, ctx.query.lang as string | undefined),
    assets: { stylesheetUrl },
    switchUrl: ctx.path,
  });
  return {
    error: (ctx, out) =>
      errorPage({
        ...base(ctx),
        title: out.error === 'invalid_request' || out.error === 'invalid_client' ? 'generic' : 'expired',
      }),
    logoutConfirm: (ctx, form) => {
      // The provider's form carries its own anti-forgery value (`xsrf`); our page posts that form.
      const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
      const name = ctx.oidc.client?.clientName;
      return logoutConfirmPage({
        ...base(ctx),
        action,
        csrf: xsrf,
        csrfField: 'xsrf',
        ...(name ? { clientName: name } : {}),
      });
    },
    loggedOut: (ctx) => loggedOutPage(base(ctx)),
  };
}
