// oidc-provider wraps each of its requests in an AsyncLocalStorage (helpers/als.js) that only its
// "client ID metadata document" feature reads, which OpenVisit does not enable. On Node 20 the first
// run() of any AsyncLocalStorage turns on promise hooks for the whole process, for good: every
// promise of every API request then pays for context tracking (measured: about a quarter of the
// throughput of FHIR reads). Running the provider's handlers without entering that storage keeps
// the hooks off; store-less getStore() answers undefined, which the unused feature would see.
import type { AsyncLocalStorage } from 'node:async_hooks';
// @ts-expect-error: an internal module of oidc-provider, without type declarations
import als from 'oidc-provider/lib/helpers/als.js';

const storage = als as AsyncLocalStorage<unknown>;

export function keepPromiseHooksOff(): void {
  storage.run = (<R>(_store: unknown, fn: (...args: unknown[]) => R, ...args: unknown[]): R =>
    fn(...args)) as typeof storage.run;
}
