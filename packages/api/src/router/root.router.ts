import { menuRouter } from '../menu/menu.router';
import { orderRouter } from '../order/order.router';
import { createCallerFactory, router } from '../trpc/trpc';

export const appRouter = router({
  menu: menuRouter,
  order: orderRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in process, without HTTP: `createCaller(createInnerContext(deps, { user, requestId }))`. */
export const createCaller = createCallerFactory(appRouter);
