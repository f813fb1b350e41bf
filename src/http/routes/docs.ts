import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi.js';

/** `/openapi.json` and a browsable docs page at `/docs` (assets served locally, no CDN). */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    mode: 'static',
    specification: { document: openApiDocument as unknown as Parameters<typeof swagger>[1] extends { specification?: { document: infer D } } ? D : never },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', async () => app.swagger());
}
