import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busReadiness, loadConfig, openAppDeps, pingDatabase, serveApi, startOrderChangeFeed, type ApiOrdersDatabase, type MenuDatabase } from '@delivery/api';
import {
  AutoRedriveTally,
  createInProcessBus,
  createPgliteDb,
  createPostgresEventStore,
  folderQueueStorage,
  memoryQueueStorage,
  orderQueueNames,
  type EventStore,
  type Logger,
} from '@delivery/events';
import { loadWorkersConfig, migrateWorkers, type EmailLogDatabase, type OutboxRelay } from '@delivery/workers';
import type { Kysely } from 'kysely';
import { ordersOperator, storedParked } from '../operator/operator-actions';
import { operatorRoutes } from '../operator/operator.routes';
import { embeddedPaths, lockDataDir, type DataDirLock } from '../mode/data-dir';
import { startEmbeddedWorkers } from './embedded-workers';

/** Every table of the system in one database: menu, event store and outbox, read model, email log. */
type EmbeddedDatabase = MenuDatabase & ApiOrdersDatabase & EmailLogDatabase;

/** The one database as each part types it (Kysely's table map is invariant, so a wider one is not assignable). */
const viewAs = <DB>(db: Kysely<EmbeddedDatabase>) => db as unknown as Kysely<DB>;

export interface EmbeddedSystemOptions {
  /** Keeps the database, the bus's queues and the emails here, across restarts; null keeps them in memory. */
  dataDir: string | null;
  /** The configuration variables of API.md (PORT, AUTH_SECRET, DELIVERY_DELAY_MS, MAIL_FROM, ...); the URLs are ignored. */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Where the API listens; `HOST` (loopback by default) unless given. */
  hostname?: string;
}

export interface RunningEmbeddedSystem {
  /** The API, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The address and port the API is bound to, e.g. `127.0.0.1:3000`. */
  listening: string;
  /** Where the confirmation emails are written as .eml files (also listed at `<url>/dev/mail`). */
  mailFolder: string;
  /** Stops the workers, then the API, then closes the bus and the database. */
  stop(): Promise<void>;
}

/**
 * The whole system in this process, on no outside service: PGlite (PostgreSQL in WebAssembly) holds the
 * menu, the events, the outbox, the read model and the email log; the in-process bus carries the events
 * from the outbox relay to the projection, email and vendor consumers; emails are written as .eml files.
 * The same code as with the real services runs on top: the API, the PostgreSQL event store, the relay,
 * the consumers and the vendor (which calls the API through the SDK, as a restaurant's app would).
 * @example
 * const system = await startEmbeddedSystem({ dataDir: '.data/embedded', env: process.env, logger });
 * await system.stop();
 */
export async function startEmbeddedSystem(options: EmbeddedSystemOptions): Promise<RunningEmbeddedSystem> {
  const { dataDir, logger } = options;
  const undo: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((error: unknown) => logger.error({ err: error }, 'embedded: stop step failed'));
  };
  try {
    let lock: DataDirLock | null = null;
    if (dataDir) {
      const held = await lockDataDir(dataDir);
      undo.push(() => held.release());
      lock = held;
    }
    const paths = dataDir ? embeddedPaths(dataDir) : null;
    const mailFolder = paths ? paths.mail : await mkdtemp(join(tmpdir(), 'delivery-mail-'));
    if (!dataDir) undo.push(() => rm(mailFolder, { recursive: true, force: true }));
    const env = { ...options.env, MAIL_DIR: mailFolder };
    const config = loadConfig(env);
    const workersConfig = loadWorkersConfig(env);

    const db = await createPgliteDb<EmbeddedDatabase>(paths ? { dataDir: paths.pglite } : 'memory');
    undo.push(() => db.destroy());
    const autoRedrives = new AutoRedriveTally();
    const bus = await createInProcessBus({
      storage: paths ? folderQueueStorage(paths.bus) : memoryQueueStorage(),
      logger: logger.child({ component: 'bus' }),
      onAutoRedrive: (redrive) => autoRedrives.record(redrive),
    });
    undo.push(() => bus.close());

    let relay: OutboxRelay | null = null;
    const store = createPostgresEventStore({ db, logger: logger.child({ component: 'event-store' }) });
    // In one process the relay need not poll for new rows: every append wakes it (once it runs, after the migrations).
    const eventStore: EventStore = {
      ...store,
      appendToStream: async (...args) => {
        const result = await store.appendToStream(...args);
        relay?.wake();
        return result;
      },
    };
    const orderChangeFeed = startOrderChangeFeed({ bus });
    undo.push(() => orderChangeFeed.close());
    const { deps } = openAppDeps(config, {
      logger: logger.child({ component: 'api' }),
      db: { menu: viewAs<MenuDatabase>(db), orders: viewAs<ApiOrdersDatabase>(db) },
      eventStore,
      orderChangeFeed,
      checks: [{ name: 'pglite', check: () => pingDatabase(db) }, busReadiness(bus)],
      delivery: {
        async parkedCounts() {
          const counts: Record<string, number> = {};
          for (const queue of orderQueueNames) counts[queue] = (await bus.listParked(queue)).length;
          return counts;
        },
        autoRedrives: () => autoRedrives.totals(),
      },
    });
    await migrateWorkers(db);
    // The operators' CLI cannot open the folder while this process holds it: it asks through these routes.
    const operator = ordersOperator({
      db,
      store: eventStore,
      parked: storedParked(bus.storage, (queue) => bus.redriveParked(queue)),
    });
    const api = await serveApi(deps, {
      ...(options.hostname ? { hostname: options.hostname } : {}),
      extraRoutes: operatorRoutes(operator, config.AUTH_SECRET),
      release: async () => undefined,
    });
    undo.push(() => api.stop());
    await lock?.advertise(api.url);

    relay = await startEmbeddedWorkers({
      db: viewAs<EmailLogDatabase>(db),
      bus,
      eventStore,
      apiUrl: api.url,
      config,
      // Emails link to PUBLIC_URL, or to this API on the port it got (PORT may be 0: a free one).
      workersConfig: workersConfig.PUBLIC_URL ? workersConfig : { ...workersConfig, PUBLIC_URL: api.url },
      logger,
      onStop: (step) => undo.push(step),
    });

    return { url: api.url, listening: api.listening, mailFolder, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
