import { createAmqpBus, systemClock, type Logger } from '@delivery/events';
import { createDeliveryClient } from '@delivery/sdk';
import { ConfigError, type WorkersConfig } from '../shared/config';
import type { RunningWorker } from '../shared/worker-main';
import { sdkRestaurantActions } from './sdk-restaurant-actions';
import { tracedFetch } from './traced-fetch';
import { startRestaurantConsumer } from './restaurant.consumer';

/**
 * The vendor worker: accepts placed orders and delivers them after `DELIVERY_DELAY_MS`, through the API
 * with `VENDOR_TOKEN` (`pnpm delivery start vendor` mints one). Several may share `orders.process`.
 */
export async function startRestaurantWorker({ config, logger }: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  const token = config.VENDOR_TOKEN;
  if (!token) throw new ConfigError('invalid worker configuration:\n  VENDOR_TOKEN: required (a vendor token: pnpm delivery token --role vendor --sub vendor-worker)');
  const client = createDeliveryClient({ url: config.API_URL, token, retry: { attempts: 1 }, fetch: tracedFetch(globalThis.fetch) });
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name: 'vendor' });
  try {
    const consumer = await startRestaurantConsumer({
      bus,
      actions: sdkRestaurantActions(client),
      clock: systemClock,
      logger,
      deliveryDelayMs: config.DELIVERY_DELAY_MS,
    });
    return {
      async stop() {
        await consumer.stop();
        await bus.close();
      },
    };
  } catch (error) {
    await bus.close();
    throw error;
  }
}
