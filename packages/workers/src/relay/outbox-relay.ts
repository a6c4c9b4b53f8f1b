import {
  backoffDelayMs,
  tracedPublisher,
  claimPendingOutboxRows,
  encodeEventMessage,
  hasPendingOutboxRows,
  markOutboxRowsPublished,
  outboxRowToMessage,
  readCommittedTransaction,
  recordOutboxFailure,
  setAsideOutboxRows,
  systemClock,
  type MessageBus,
  type Clock,
  type Logger,
  type OutboxRow,
  type OutgoingEventMessage,
} from '@delivery/events';
import type { Kysely } from 'kysely';

export interface OutboxRelayOptions<DB> {
  /** A Kysely over the event store's database (it holds `outbox`). */
  db: Kysely<DB>;
  /** Where rows are published: RabbitMQ, or the in-process bus in embedded mode. */
  bus: MessageBus;
  logger: Logger;
  /** Rows claimed and published per transaction. */
  batchSize?: number;
  /**
   * The longest idle wait between two looks at the outbox; `wake()` cuts it short. After a batch the relay
   * looks again after `MIN_IDLE_POLL_MS`, then twice as long each time it finds nothing, up to this.
   */
  pollIntervalMs?: number;
  /** Backoff after a failed batch: from `retryInitialMs`, doubling, up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  clock?: Clock;
}

export interface OutboxRelay {
  /** Looks for pending rows now instead of at the end of the idle wait. */
  wake(): void;
  /** Finishes the batch in hand, then stops; the bus and database stay the caller's. */
  stop(): Promise<void>;
}

/** The first idle wait after a batch: orders come in bursts, so the next rows are likely close behind. */
const MIN_IDLE_POLL_MS = 5;

interface BatchResult {
  /** Rows claimed: published or set aside. */
  handled: number;
}

/**
 * Publishes the outbox to the message bus. Each batch is one database transaction: claim pending rows
 * (FOR UPDATE SKIP LOCKED, so several relays never take the same row), publish them with confirms,
 * mark them published only after every confirm, commit. A failure rolls the batch back, so its rows
 * stay pending and are retried with capped exponential backoff; a crash after the confirm and before
 * the commit publishes them again (at-least-once: consumers dedupe by event id).
 * @example
 * const relay = startOutboxRelay({ db, bus, logger, batchSize: 100, pollIntervalMs: 50 });
 * await relay.stop();
 */
export function startOutboxRelay<DB>(options: OutboxRelayOptions<DB>): OutboxRelay {
  const { db, bus } = options;
  const logger = options.logger.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const retryInitialMs = options.retryInitialMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  // Tracing: each publish continues its append's trace and hands it on in the message's traceparent header.
  const publisher = tracedPublisher(bus.createPublisher());
  const stopSignal = new AbortController();
  let wakeUp: (() => void) | null = null;
  let wokenEarly = false;

  /** Waits `ms`, or less when woken or stopped. */
  function pause(ms: number): Promise<void> {
    if (wokenEarly || stopSignal.signal.aborted) {
      wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopSignal.signal.removeEventListener('abort', done);
        wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopSignal.signal.addEventListener('abort', done, { once: true });
      wakeUp = done;
    });
  }

  async function relayBatch(): Promise<BatchResult> {
    let claimed: string[] = [];
    try {
      // READ COMMITTED: the claim then locks only the rows it takes. Under REPEATABLE READ its locking read
      // would also lock the gap after the last pending row, and every append (which inserts outbox rows
      // there) would wait for this batch's publish confirms.
      return await readCommittedTransaction(db).execute(async (trx) => {
        const rows = await claimPendingOutboxRows(trx, batchSize);
        claimed = rows.map((row) => row.id);
        if (rows.length === 0) return { handled: 0 };
        const { messages, ids, invalid } = toMessages(rows);
        // A row that can never go out as it is leaves the claim with its error, so it blocks nothing behind it.
        for (const { id, error } of invalid)
          logger.error({ outboxId: id, error }, 'outbox row is not a valid event; set aside for an operator (pnpm delivery outbox)');
        await setAsideOutboxRows(trx, invalid, clock.now());
        await publisher.publishEvents(messages);
        await markOutboxRowsPublished(trx, ids, clock.now());
        if (messages.length > 0) logger.debug({ count: messages.length, lastOutboxId: ids.at(-1) }, 'published outbox rows');
        return { handled: rows.length };
      });
    } catch (error) {
      // After the rollback, so the update does not wait for our own row locks.
      await recordOutboxFailure(db, claimed, errorText(error)).catch((recordError: unknown) =>
        logger.debug({ err: recordError }, 'could not record the outbox failure'),
      );
      throw error;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    // Null while rows keep coming (claim again at once); else the next idle wait. An idle relay only looks
    // (one indexed read, no transaction) and claims once it sees a row.
    let idleWaitMs: number | null = null;
    while (!stopSignal.signal.aborted) {
      // While the broker is away, wait for the reconnection instead of claiming rows that cannot go out.
      if (!bus.isConnected()) {
        logger.info({ bus: bus.kind }, 'waiting for the message bus');
        const connected = await Promise.race([bus.whenConnected().then(() => true), aborted(stopSignal.signal)]).catch(() => false);
        if (!connected) break;
        logger.info({ bus: bus.kind }, 'message bus connected; publishing');
      }
      let result: BatchResult;
      try {
        if (idleWaitMs !== null && !(await hasPendingOutboxRows(db))) {
          await pause(idleWaitMs);
          idleWaitMs = Math.min(pollIntervalMs, idleWaitMs * 2);
          continue;
        }
        result = await relayBatch();
        failures = 0;
      } catch (error) {
        failures++;
        const delayMs = backoffDelayMs({ initialMs: retryInitialMs, maxMs: retryMaxMs }, failures - 1);
        logger.warn({ err: error, attempt: failures, delayMs }, 'outbox batch failed; retrying');
        await pause(delayMs);
        continue;
      }
      // Anything claimed means more may be coming: go on at once. Idle only when the outbox was empty.
      idleWaitMs = result.handled > 0 ? null : Math.min(pollIntervalMs, MIN_IDLE_POLL_MS);
    }
  }

  const running = run().catch((error: unknown) => logger.error({ err: error }, 'outbox relay crashed'));

  return {
    wake() {
      if (wakeUp) wakeUp();
      else wokenEarly = true;
    },
    async stop() {
      stopSignal.abort();
      await running;
      await publisher.close();
    },
  };
}

function toMessages(rows: readonly OutboxRow[]): { messages: OutgoingEventMessage[]; ids: string[]; invalid: { id: string; error: string }[] } {
  const messages: OutgoingEventMessage[] = [];
  const ids: string[] = [];
  const invalid: { id: string; error: string }[] = [];
  for (const row of rows) {
    try {
      const message = outboxRowToMessage(row);
      encodeEventMessage(message);
      messages.push(message);
      ids.push(row.id);
    } catch (error) {
      invalid.push({ id: row.id, error: errorText(error) });
    }
  }
  return { messages, ids, invalid };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function aborted(signal: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
}
