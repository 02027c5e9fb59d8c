import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

/**
 * A plugin whose hooks, decorators and handlers reach the whole server, not only its own routes
 * (what the fastify-plugin package does, by the symbol fastify reads for it): the login guard and
 * the error handlers. Every other plugin here keeps to itself.
 */
export function shared<O extends FastifyPluginOptions>(plugin: FastifyPluginAsync<O>, name: string): FastifyPluginAsync<O> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
