import type {
  AnyProcedure,
  AnyRouter,
  TRPCBuiltRouter,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPCSubscriptionProcedure,
  inferRouterError,
  inferRouterInputs,
  inferRouterOutputs,
} from '@trpc/server';
import type { AppRouter as ServerRouter } from '@delivery/api';

// The server's router type carries its context (databases, broker, logger...), which a client never uses
// and which would drag every server dependency into the published `.d.ts`. What follows rebuilds the router
// from what a client needs (procedures' inputs and outputs, the error shape) with the context erased.
// Each type below resolves to a plain structure (no alias of the server's), so declaration emit prints the
// whole API out and the bundled `.d.ts` imports nothing but `@trpc/server`.

/** Plain data written out field by field, so no named server type is referred to. */
type Structural<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { [K in keyof T]: Structural<T[K]> } : T;

type ClientErrorShape<TRouter extends AnyRouter> = Structural<inferRouterError<TRouter>>;

type ClientProcedure<TProcedure extends AnyProcedure, TErrorShape> = TProcedure['_def'] extends {
  type: infer TType;
  $types: { input: infer TInput; output: infer TOutput };
}
  ? TType extends 'query'
    ? TRPCQueryProcedure<{ input: TInput; output: TOutput; meta: object; errorShape: TErrorShape }>
    : TType extends 'mutation'
      ? TRPCMutationProcedure<{ input: TInput; output: TOutput; meta: object; errorShape: TErrorShape }>
      : TRPCSubscriptionProcedure<{ input: TInput; output: ClientSubscriptionOutput<TOutput>; meta: object; errorShape: TErrorShape }>
  : never;

// A subscription's yield is tRPC's `TrackedData<T>`, exported only from its unstable internals: written out
// as plain `{ id, data }` so the published `.d.ts` never imports `@trpc/server/unstable-core-do-not-import`.
type ClientSubscriptionOutput<TOutput> =
  TOutput extends AsyncIterable<infer TYield, infer TReturn, infer TNext> ? AsyncIterable<Structural<TYield>, TReturn, TNext> : TOutput;

type ClientRecord<TRecord, TErrorShape> = TRecord extends infer R
  ? { [K in keyof R]: R[K] extends AnyProcedure ? ClientProcedure<R[K], TErrorShape> : ClientRecord<R[K], TErrorShape> }
  : never;

// The return type is written inline rather than as an alias: an alias would be printed by name, with the
// server's router as its argument, and the server types would come back.
function clientRouterOf<TRouter extends AnyRouter>(): TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ClientErrorShape<TRouter>; transformer: false },
  ClientRecord<TRouter['_def']['record'], ClientErrorShape<TRouter>>
> {
  return undefined as never;
}

// An inferred type (not an annotation) is what makes declaration emit write the router out in full.
// The module is only ever imported for its types, so this never runs; if it did, it would cost nothing.
const clientRouter = clientRouterOf<ServerRouter>();

/**
 * The API's router as a client sees it: every procedure with its input, output and error shape, without
 * the server's context. Use it with tRPC's own helpers or framework adapters.
 * @example
 * import { createTRPCClient, httpBatchLink } from '@trpc/client';
 * import type { AppRouter } from '@delivery/sdk';
 * const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:3000/trpc' })] });
 */
export type AppRouter = typeof clientRouter;

/**
 * The input of every procedure, by path.
 * @example type PlaceOrderInput = RouterInputs['order']['place']; // { items: [...], email?, idempotencyKey? }
 */
export type RouterInputs = inferRouterInputs<AppRouter>;

/**
 * The output of every procedure, by path.
 * @example type Order = RouterOutputs['order']['get']; // { orderId, status, lines, total, ... }
 */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
