// Thin: validate with the shared schemas, call the service. Roles: shared/webhooks/access.ts (ADMIN).
import { AttemptsInput, CreateEndpointInput, DeliveriesInput, ReplayDeliveryInput, SetEndpointEnabledInput } from "../../../shared/webhooks/schemas.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import { createEndpoint, listAttempts, listDeliveries, listEndpoints, replayDelivery, setEndpointEnabled } from "./service.ts";

export const webhooksRouter = router({
  endpoints: staffProcedure.query(({ ctx }) => listEndpoints(ctx.pool)),
  createEndpoint: stepUpProcedure.input(CreateEndpointInput).mutation(({ ctx, input }) => createEndpoint(ctx.db, ctx.actor, input)),
  setEndpointEnabled: stepUpProcedure.input(SetEndpointEnabledInput).mutation(({ ctx, input }) => setEndpointEnabled(ctx.db, ctx.actor, input)),
  deliveries: staffProcedure.input(DeliveriesInput).query(({ ctx, input }) => listDeliveries(ctx.pool, input)),
  attempts: staffProcedure.input(AttemptsInput).query(({ ctx, input }) => listAttempts(ctx.pool, input.deliveryId)),
  replay: stepUpProcedure.input(ReplayDeliveryInput).mutation(({ ctx, input }) => replayDelivery(ctx.db, ctx.actor, input)),
});
