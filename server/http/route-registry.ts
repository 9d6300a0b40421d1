// Every route the server registers (method and URL), collected as Fastify adds them, so tests can
// enumerate the real HTTP surface (test/authz-matrix.test.ts, test/fuzz.test.ts) instead of a list
// that could drift from it.
import type { FastifyInstance, RouteOptions } from "fastify";

export interface RegisteredRoute {
  method: string;
  url: string;
  /** the route's validation schemas (zod, from fastify-type-provider-zod), when it declares them */
  schema?: RouteOptions["schema"];
}

declare module "fastify" {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

export function collectRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate("registeredRoutes", routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD" || method === "OPTIONS") continue;
      routes.push({ method, url: route.url, schema: route.schema });
    }
  });
}
