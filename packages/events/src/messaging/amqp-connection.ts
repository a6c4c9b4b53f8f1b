import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '../shared/logger';
import { parseAmqpNodes, type AmqpNode } from './amqp-nodes';

// Re-exported so packages using this one need no direct amqplib dependency.
export type {
  Channel as AmqpChannel,
  ChannelModel as AmqpChannelModel,
  ConfirmChannel as AmqpConfirmChannel,
  ConsumeMessage as AmqpConsumeMessage,
  Message as AmqpMessage,
} from 'amqplib';

/** Work to redo on every fresh connection: declare topology, open channels, start consuming. */
export type AmqpSetup = (model: ChannelModel) => Promise<void>;

export interface AmqpConnectionOptions {
  /** One broker URL, or the nodes of a cluster separated by commas: it connects to any live one. */
  url: string;
  logger: Logger;
  /** Shown in RabbitMQ's connection list and in the logs (`relay`, `email`, ...). */
  name: string;
  /** Heartbeat in seconds, unless the URL sets one: it bounds how long a silently dropped socket goes unnoticed. */
  heartbeatSeconds?: number;
  /** Reconnect backoff: starts at `initialDelayMs`, doubles, never exceeds `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface AmqpRegistration {
  /** Resolves once the setup has run successfully on some connection. */
  ready: Promise<void>;
  /** Stops running the setup on later connections (what it opened is the caller's to close). */
  unregister(): void;
}

export interface AmqpConnection {
  readonly name: string;
  /**
   * Runs `setup` now when connected, and again after every reconnection before `whenConnected`
   * resolves. A setup that throws makes the connection start over (with backoff), so every setup
   * runs again on the next one.
   */
  register(setup: AmqpSetup): AmqpRegistration;
  /** The live connection, waiting through reconnects; rejects once `close()` was called. */
  whenConnected(): Promise<ChannelModel>;
  /** The live connection or null while (re)connecting: for callers that must fail fast instead of waiting. */
  current(): ChannelModel | null;
  /**
   * Drops the connection `model` (when it is still the live one) so that everything is set up anew:
   * for a channel that died while its connection lived on.
   */
  reset(model: ChannelModel, reason: Error): void;
  close(): Promise<void>;
}

class AmqpConnectionClosedError extends Error {
  constructor(name: string) {
    super(`AMQP connection "${name}" is closed`);
    this.name = 'AmqpConnectionClosedError';
  }
}

/**
 * A connection to RabbitMQ that keeps itself alive: it connects with capped exponential backoff and
 * jitter (amqplib's own recovery), and re-runs the registered setups after every reconnection, so
 * topology, publisher channels and consumers survive a broker restart or a dropped socket. Given several
 * nodes of a cluster, it starts at a random one (spreading clients) and moves on to the next whenever an
 * attempt fails or the connection drops, so a stopped node costs one reconnection.
 * @example
 * const connection = createAmqpConnection({ url, logger, name: 'relay' });
 * connection.register(async (model) => { const channel = await model.createChannel(); await assertTopology(channel); await channel.close(); });
 * await connection.whenConnected();
 */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  const { logger, name } = options;
  const setups = new Set<SetupEntry>();
  let live: ChannelModel | null = null;
  let closed = false;
  let waiters: { resolve: (model: ChannelModel) => void; reject: (error: Error) => void }[] = [];

  async function runSetups(model: ChannelModel): Promise<void> {
    // A Set visits entries added while it is being iterated, so a registration racing a reconnect runs too.
    for (const setup of setups) {
      setup.lastModel = model;
      await setup.run(model);
      setup.resolve();
    }
  }

  /** Runs one setup on the live connection; a failure starts the connection over. */
  function runLate(setup: SetupEntry, model: ChannelModel): void {
    setup.lastModel = model;
    setup.run(model).then(setup.resolve, (error: unknown) => {
      logger.warn({ connection: name, err: error }, 'AMQP setup failed; reconnecting');
      dropModel(model);
    });
  }

  const nodes = parseAmqpNodes(options.url, { heartbeatSeconds: options.heartbeatSeconds ?? 10 });
  let nodeIndex = Math.floor(Math.random() * nodes.length);
  // amqplib's recovery reconnects with the very object it was given, so moving to another node means
  // copying that node's settings over it (every node has the same keys) before the next attempt.
  const target = { ...currentNode().connect };
  function currentNode(): AmqpNode {
    return nodes[nodeIndex % nodes.length]!;
  }
  function moveToNextNode(): void {
    if (nodes.length === 1) return;
    nodeIndex = (nodeIndex + 1) % nodes.length;
    Object.assign(target, currentNode().connect);
  }

  const recovering: Promise<RecoveringChannelModel> = connect(target, {
    clientProperties: { connection_name: name },
    // A connection attempt to a host that does not answer must fail, not hang.
    timeout: 10_000,
    recovery: {
      initialDelay: options.initialDelayMs ?? 100,
      maxDelay: options.maxDelayMs ?? 5_000,
      jitter: 0.2,
      waitForConnect: false,
      setup: runSetups,
    },
  });

  void recovering.then((model) => {
    model.on('connect', (connected: ChannelModel) => {
      live = connected;
      logger.info({ connection: name, node: currentNode().label }, 'AMQP connected');
      // A registration that slipped in after the setups ran but before this event has not run yet.
      for (const setup of setups) if (setup.lastModel !== connected) runLate(setup, connected);
      const ready = waiters;
      waiters = [];
      for (const waiter of ready) waiter.resolve(connected);
    });
    // Both run before recovery schedules its next attempt, which therefore goes to the next node.
    model.on('disconnect', (error: Error) => {
      live = null;
      if (!closed) logger.warn({ connection: name, node: currentNode().label, err: error }, 'AMQP connection lost; reconnecting');
      moveToNextNode();
    });
    model.on('connect-failed', (error: Error) => {
      logger.warn({ connection: name, node: currentNode().label, err: error }, 'AMQP connection attempt failed');
      moveToNextNode();
    });
    model.on('reconnect-scheduled', (info: { attempt: number; delay: number }) => {
      logger.debug({ connection: name, attempt: info.attempt, delayMs: info.delay }, 'AMQP reconnect scheduled');
    });
    // Without a listener an 'error' event would crash the process; the 'disconnect' that follows drives recovery.
    model.on('error', (error: Error) => logger.warn({ connection: name, err: error }, 'AMQP connection error'));
    model.on('blocked', (reason: string) => logger.warn({ connection: name, reason }, 'AMQP connection blocked by the broker'));
    model.on('unblocked', () => logger.info({ connection: name }, 'AMQP connection unblocked'));
    model.on('reconnect-failed', (error: Error) => logger.error({ connection: name, err: error }, 'AMQP recovery gave up'));
  });

  return {
    name,

    register(run) {
      if (closed) throw new AmqpConnectionClosedError(name);
      const entry = setupEntry(run);
      setups.add(entry);
      if (live) runLate(entry, live);
      return { ready: entry.ready, unregister: () => setups.delete(entry) };
    },

    whenConnected() {
      if (closed) return Promise.reject(new AmqpConnectionClosedError(name));
      if (live) return Promise.resolve(live);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },

    current: () => live,

    reset(model, reason) {
      if (closed || model !== live) return;
      logger.warn({ connection: name, err: reason }, 'AMQP channel failed; reconnecting');
      dropModel(model);
    },

    async close() {
      if (closed) return;
      closed = true;
      live = null;
      const pending = waiters;
      waiters = [];
      for (const waiter of pending) waiter.reject(new AmqpConnectionClosedError(name));
      for (const setup of setups) setup.reject(new AmqpConnectionClosedError(name));
      await (await recovering).close();
      logger.info({ connection: name }, 'AMQP connection closed');
    },
  };

  function dropModel(model: ChannelModel): void {
    if (model === live) live = null;
    // Closing the model fires 'disconnect', and recovery reconnects and runs every setup again.
    model.close().catch(() => undefined);
  }
}

interface SetupEntry {
  run: AmqpSetup;
  /** The connection it last ran on, so no connection runs it twice or skips it. */
  lastModel: ChannelModel | null;
  ready: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function setupEntry(run: AmqpSetup): SetupEntry {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const ready = new Promise<void>((onReady, onFailed) => {
    resolve = onReady;
    reject = onFailed;
  });
  // Nobody has to await `ready`; a close before the first setup must not surface as an unhandled rejection.
  ready.catch(() => undefined);
  return { run, lastModel: null, ready, resolve, reject };
}

export { AmqpConnectionClosedError };
