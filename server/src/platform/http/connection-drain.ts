import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Lifecycle } from '../lifecycle.js';

/**
 * While shutting down, every response closes its keep-alive connection: the server's close only
 * drops connections idle at that moment, and one serving a request then would otherwise stay open
 * until the grace period cuts it.
 */
const drain: FastifyPluginAsync<{ lifecycle: Lifecycle }> = async (app, opts) => {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (opts.lifecycle.shuttingDown) reply.header('connection', 'close');
    return payload;
  });
};

export const connectionDrainPlugin = fp(drain, { name: 'openvisit-connection-drain' });
