import { systemClock, type Logger } from '@delivery/events';
import { createDeliveryClient } from '@delivery/sdk';
import { ConfigError, type WorkersConfig } from '../shared/config';
import { startOnRabbitMq } from '../shared/start-on-services';
import type { RunningWorker } from '../shared/worker-main';
import type { WorkerResources } from '../shared/worker-resources';
import { sdkRestaurantActions } from './sdk-restaurant-actions';
import { tracedFetch } from './traced-fetch';
import { startRestaurantConsumer } from './restaurant.consumer';

/**
 * The restaurant (the vendor worker): accepts placed orders and delivers them after `DELIVERY_DELAY_MS`,
 * through the API at `API_URL` with `VENDOR_TOKEN` (`pnpm delivery start vendor` and embedded mode mint one).
 * Several may share `orders.process`.
 * @example const worker = await wireRestaurantWorker({ bus, config, logger });
 */
export async function wireRestaurantWorker({ bus, config, logger }: Pick<WorkerResources<never>, 'bus' | 'config' | 'logger'>): Promise<RunningWorker> {
  const token = requireVendorToken(config);
  const client = createDeliveryClient({ url: config.API_URL, token, retry: { attempts: 1 }, fetch: tracedFetch(globalThis.fetch) });
  return startRestaurantConsumer({
    bus,
    actions: sdkRestaurantActions(client),
    clock: systemClock,
    logger,
    deliveryDelayMs: config.DELIVERY_DELAY_MS,
  });
}

/** The vendor worker's process: RabbitMQ only (it reaches the orders through the API). */
export function startRestaurantWorker(context: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  // Checked before RabbitMQ is opened: a missing token ends the process at once.
  requireVendorToken(context.config);
  return startOnRabbitMq('vendor', context, wireRestaurantWorker);
}

function requireVendorToken(config: WorkersConfig): string {
  if (!config.VENDOR_TOKEN)
    throw new ConfigError('invalid worker configuration:\n  VENDOR_TOKEN: required (a vendor token: pnpm delivery token --role vendor --sub vendor-worker)');
  return config.VENDOR_TOKEN;
}
