import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_HEADERS } from '../event-message';
import type { ParkedMessage } from '../parked';
import { parkedQueueName } from '../topology';

/** A message as the in-process bus keeps it: the AMQP message's body and properties, and its deliveries so far. */
export interface StoredMessage {
  /** Orders the queue: assigned at publish, never reused. */
  sequence: number;
  /** The body (the stored event JSON). */
  content: string;
  properties: { messageId: string; type: string; headers: Record<string, string | number> };
  deliveryCount: number;
  /** Set when parked: `rejected` (malformed or not retryable) or `delivery_limit` (kept failing). */
  parkedReason?: ParkReason;
}

export type ParkReason = 'rejected' | 'delivery_limit';

/**
 * Where the in-process bus keeps its queues so that a message survives a restart until it is acked:
 * one file per message in a folder per queue (`<queue>/<sequence>.json`), written whole (temp file +
 * rename) before a publish resolves; an ack deletes it, parking moves it to `<queue>.parked/`.
 * `null` keeps everything in memory (tests, or a throwaway embedded server).
 */
export interface QueueStorage {
  /** Every message of `queue` left from before, in sequence order, and the next free sequence. */
  load(queue: string): Promise<StoredMessage[]>;
  save(queue: string, message: StoredMessage): Promise<void>;
  remove(queue: string, message: StoredMessage): Promise<void>;
  park(queue: string, message: StoredMessage, reason: ParkReason): Promise<void>;
  /** Messages parked from `queue`, oldest first. */
  listParked(queue: string): Promise<StoredMessage[]>;
  /** Moves the parked messages of `queue` (all, or those whose ids are in `only`) back into it with a fresh delivery count; how many moved. */
  redrive(queue: string, only?: ReadonlySet<string>): Promise<number>;
}

const selected = (messages: StoredMessage[], only: ReadonlySet<string> | undefined) =>
  only ? messages.filter((message) => only.has(message.properties.messageId)) : messages;

const fileOf = (message: Pick<StoredMessage, 'sequence'>) => `${String(message.sequence).padStart(16, '0')}.json`;

/** @example const storage = folderQueueStorage('.data/bus'); */
export function folderQueueStorage(root: string): QueueStorage {
  const folderOf = (queue: string) => join(root, queue);
  async function readAll(folder: string): Promise<StoredMessage[]> {
    await mkdir(folder, { recursive: true });
    const names = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
    const messages: StoredMessage[] = [];
    for (const name of names) messages.push(JSON.parse(await readFile(join(folder, name), 'utf8')) as StoredMessage);
    return messages;
  }
  return {
    load: (queue) => readAll(folderOf(queue)),
    async save(queue, message) {
      const folder = folderOf(queue);
      await mkdir(folder, { recursive: true });
      const path = join(folder, fileOf(message));
      await writeFile(`${path}.tmp`, JSON.stringify(message));
      await rename(`${path}.tmp`, path);
    },
    async remove(queue, message) {
      await rm(join(folderOf(queue), fileOf(message)), { force: true });
    },
    async park(queue, message, reason) {
      // The reason is written into the copy first; the rename then moves it out of the queue in one step.
      await this.save(queue, { ...message, parkedReason: reason });
      const parked = folderOf(parkedQueueName(queue));
      await mkdir(parked, { recursive: true });
      await rename(join(folderOf(queue), fileOf(message)), join(parked, fileOf(message)));
    },
    listParked: (queue) => readAll(folderOf(parkedQueueName(queue))),
    async redrive(queue, only) {
      const parked = selected(await readAll(folderOf(parkedQueueName(queue))), only);
      for (const message of parked) {
        // Written into the queue before it leaves the parking folder: a crash in between duplicates, never loses.
        await this.save(queue, { ...message, deliveryCount: 0, parkedReason: undefined });
        await rm(join(folderOf(parkedQueueName(queue)), fileOf(message)), { force: true });
      }
      return parked.length;
    },
  };
}

/** @example const storage = memoryQueueStorage(); */
export function memoryQueueStorage(): QueueStorage {
  const queues = new Map<string, Map<number, StoredMessage>>();
  const queueOf = (queue: string): Map<number, StoredMessage> => {
    const existing = queues.get(queue);
    if (existing) return existing;
    const created = new Map<number, StoredMessage>();
    queues.set(queue, created);
    return created;
  };
  const sorted = (queue: string) => [...queueOf(queue).values()].sort((a, b) => a.sequence - b.sequence);
  return {
    load: async (queue) => sorted(queue),
    async save(queue, message) {
      queueOf(queue).set(message.sequence, { ...message });
    },
    async remove(queue, message) {
      queueOf(queue).delete(message.sequence);
    },
    async park(queue, message, reason) {
      queueOf(queue).delete(message.sequence);
      queueOf(parkedQueueName(queue)).set(message.sequence, { ...message, parkedReason: reason });
    },
    listParked: async (queue) => sorted(parkedQueueName(queue)),
    async redrive(queue, only) {
      const parked = selected(sorted(parkedQueueName(queue)), only);
      for (const message of parked) {
        queueOf(queue).set(message.sequence, { ...message, deliveryCount: 0, parkedReason: undefined });
        queueOf(parkedQueueName(queue)).delete(message.sequence);
      }
      return parked.length;
    },
  };
}

/**
 * Parked messages of `queue` in the shape `listParked` gives for RabbitMQ, so operators read one format.
 * @example const { total, messages } = await describeStoredParked(storage, 'orders.confirmation');
 */
export async function describeStoredParked(storage: QueueStorage, queue: string, limit = 50): Promise<{ total: number; messages: ParkedMessage[] }> {
  const parked = await storage.listParked(queue);
  const messages = parked.slice(0, limit).map((message): ParkedMessage => {
    const headers = message.properties.headers;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const version = Number(headers[EVENT_HEADERS.streamVersion]);
    return {
      messageId: message.properties.messageId,
      eventType: message.properties.type,
      streamId: text(headers[EVENT_HEADERS.streamId]),
      streamVersion: Number.isInteger(version) ? version : null,
      correlationId: text(headers[EVENT_HEADERS.correlationId]),
      reason: message.parkedReason ?? null,
      parkedAt: null,
      body: message.content.slice(0, 2_000),
    };
  });
  return { total: parked.length, messages };
}
