import {
  createAmqpBus,
  createMysqlDb,
  encodeEventMessage,
  ORDER_QUEUES,
  orderStreamId,
  parkedQueueName,
  silentLogger,
  type AmqpChannel,
  type AmqpBus,
  type AmqpConsumeMessage,
  type Consumer,
  type EventPublisher,
} from '@delivery/events';
import {
  createTestMysqlDatabase,
  createTestVhost,
  sampleEventMessage,
  sampleOrderAccepted,
  sampleOrderPlaced,
  type TestDatabase,
  type TestVhost,
} from '@delivery/events/testing';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateWorkers } from '../migrations/migrate-workers';
import { startEmailConsumer } from './email.consumer';
import { findEmailLog, findEmailLogs, recordEmailsSent } from './email-log.repository';
import type { EmailLogDatabase } from './email-log.table';
import { createMailer, type Mailer } from './mailer';
import { startSmtpCapture, type SmtpCapture } from './testing/smtp-capture';

let database: TestDatabase;
let db: Kysely<EmailLogDatabase>;
let vhost: TestVhost;
let bus: AmqpBus;
let publisher: EventPublisher;
let smtp: SmtpCapture;
let mailer: Mailer;
let channel: AmqpChannel;
let consumer: Consumer | undefined;

beforeAll(async () => {
  [database, vhost, smtp] = await Promise.all([createTestMysqlDatabase(), createTestVhost(), startSmtpCapture()]);
  db = createMysqlDb<EmailLogDatabase>(database.url);
  await migrateWorkers(db);
  bus = createAmqpBus({ url: vhost.url, logger: silentLogger, name: 'email-test' });
  publisher = bus.createPublisher();
  channel = await (await bus.connection.whenConnected()).createChannel();
  mailer = createMailer({ transport: { kind: 'smtp', url: smtp.url }, from: 'Shop <orders@shop.example.com>' });
});

afterAll(async () => {
  await consumer?.stop();
  mailer?.close();
  await publisher?.close();
  await bus?.close();
  await db?.destroy();
  await Promise.all([database?.drop(), vhost?.drop(), smtp?.close()]);
});

beforeEach(async () => {
  await channel.purgeQueue(ORDER_QUEUES.confirmation);
  await channel.purgeQueue(parkedQueueName(ORDER_QUEUES.confirmation));
});

afterEach(async () => {
  await consumer?.stop();
  consumer = undefined;
});

async function startWorker(options: { maxHoldMs?: number; prefetch?: number } = {}): Promise<void> {
  consumer = await startEmailConsumer({
    bus,
    logger: silentLogger,
    prefetch: options.prefetch ?? 1,
    ...(options.maxHoldMs ? { maxHoldMs: options.maxHoldMs } : {}),
    db,
    mailer,
    publicUrl: 'https://shop.example.com',
    messageIdDomain: 'shop.example.com',
    retryDelayMs: () => 10,
  });
}

/** The next message arriving in `queue`, consumed without ack so it stays there. */
async function nextMessageIn(queue: string): Promise<AmqpConsumeMessage> {
  const watcher = await (await bus.connection.whenConnected()).createChannel();
  try {
    return await new Promise<AmqpConsumeMessage>((resolve) => {
      void watcher.consume(queue, (message) => message && resolve(message), { noAck: false });
    });
  } finally {
    await watcher.close();
  }
}

describe('email worker', () => {
  it('sends one confirmation email with the lines, total and order link of an OrderPlaced', async () => {
    await startWorker();
    const placed = sampleOrderPlaced({ email: 'carol@example.com' });
    const before = smtp.messages.length;
    await publisher.publishEvents([sampleEventMessage(placed)]);

    const email = (await smtp.waitForMessages(before + 1))[before];
    expect(email?.to).toEqual(['carol@example.com']);
    expect(email?.messageId).toBe(`<order-confirmation.${placed.metadata.eventId}@shop.example.com>`);
    expect(email?.subject).toContain(placed.data.orderId);
    expect(email?.decoded).toContain('2 × Margherita Pizza');
    expect(email?.decoded).toContain('$25.00');
    expect(email?.decoded).toContain('1 × Mojito');
    expect(email?.decoded).toContain('$33.75');
    expect(email?.decoded).toContain(`https://shop.example.com/orders/${placed.data.orderId}`);
    // Stopping waits for the running handler, which logs the email after the server took it.
    await consumer?.stop();
    await expect(findEmailLog(db, placed.metadata.eventId)).resolves.toMatchObject({
      order_id: placed.data.orderId,
      recipient: 'carol@example.com',
    });
  });

  it('sends no second email for a redelivered copy of the same event', async () => {
    await startWorker();
    const placed = sampleOrderPlaced();
    const before = smtp.messages.length;
    await publisher.publishEvents([sampleEventMessage(placed)]);
    await smtp.waitForMessages(before + 1);

    // The copy, then a different order behind it: once that one's email is out, the copy was handled.
    const next = sampleOrderPlaced();
    await publisher.publishEvents([sampleEventMessage(placed)]);
    await publisher.publishEvents([sampleEventMessage(next)]);
    const sent = await smtp.waitForMessages(before + 2);
    expect(sent.slice(before).map((email) => email.messageId)).toEqual([
      `<order-confirmation.${placed.metadata.eventId}@shop.example.com>`,
      `<order-confirmation.${next.metadata.eventId}@shop.example.com>`,
    ]);
  });

  it('acks events other than OrderPlaced without sending anything', async () => {
    await startWorker();
    const placed = sampleOrderPlaced();
    const before = smtp.messages.length;
    await publisher.publishEvents([sampleEventMessage(sampleOrderAccepted(placed.data.orderId), 2)]);
    await publisher.publishEvents([sampleEventMessage(placed)]);
    const sent = await smtp.waitForMessages(before + 1);
    expect(sent.slice(before).map((email) => email.messageId)).toEqual([`<order-confirmation.${placed.metadata.eventId}@shop.example.com>`]);
    await consumer?.stop();
    expect((await channel.checkQueue(ORDER_QUEUES.confirmation)).messageCount).toBe(0);
  });

  it('sends one email for two copies of an event handled at once (the outbox published it twice)', async () => {
    await startWorker({ prefetch: 2 });
    const placed = sampleOrderPlaced();
    const before = smtp.messages.length;
    // A slow server keeps the first copy sending while the second one is delivered.
    smtp.answerAfter(300);
    try {
      await publisher.publishEvents([sampleEventMessage(placed), sampleEventMessage(placed)]);
      await smtp.waitForMessages(before + 1);
      await consumer?.stop();
    } finally {
      smtp.answerAfter(0);
    }
    expect(smtp.messages.slice(before).map((email) => email.messageId)).toEqual([`<order-confirmation.${placed.metadata.eventId}@shop.example.com>`]);
    expect((await channel.checkQueue(ORDER_QUEUES.confirmation)).messageCount).toBe(0);
  });

  it('retries a send the mail server refuses for now, and sends it once', async () => {
    await startWorker();
    const placed = sampleOrderPlaced();
    const before = smtp.messages.length;
    smtp.failNext(2);
    await publisher.publishEvents([sampleEventMessage(placed)]);
    const sent = await smtp.waitForMessages(before + 1);
    expect(sent.slice(before).map((email) => email.messageId)).toEqual([`<order-confirmation.${placed.metadata.eventId}@shop.example.com>`]);
    await consumer?.stop();
    await expect(findEmailLog(db, placed.metadata.eventId)).resolves.toBeDefined();
  });

  it('parks an email the server keeps refusing for now (4xx) once it was held at every delivery, never logging it as sent', async () => {
    // A 4xx is the server's "not now": the message is held, not spent; a short hold lets the limit come quickly.
    await startWorker({ maxHoldMs: 50 });
    const placed = sampleOrderPlaced();
    const before = smtp.messages.length;
    smtp.failNext(1_000);
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    try {
      await publisher.publishEvents([sampleEventMessage(placed)]);
      const message = await parked;
      expect(message.properties.messageId).toBe(placed.metadata.eventId);
      expect(message.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
    } finally {
      smtp.failNext(0);
    }
    expect(smtp.messages.length).toBe(before);
    await expect(findEmailLog(db, placed.metadata.eventId)).resolves.toBeUndefined();
  });

  it('parks an event whose recipient would inject a header, without sending', async () => {
    await startWorker();
    const placed = sampleOrderPlaced();
    // A publisher validates addresses, so the bad message is forged the way a buggy producer would.
    const valid = encodeEventMessage(sampleEventMessage(placed));
    const forged = { ...placed, data: { ...placed.data, email: 'alice@example.com\r\nBcc: everyone@example.com' } };
    const before = smtp.messages.length;
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    channel.sendToQueue(ORDER_QUEUES.confirmation, Buffer.from(JSON.stringify(forged)), valid.options);

    const message = await parked;
    expect(message.properties.messageId).toBe(placed.metadata.eventId);
    expect(message.properties.headers?.['x-stream-id']).toBe(orderStreamId(placed.data.orderId));
    expect(smtp.messages.length).toBe(before);
    await expect(findEmailLog(db, placed.metadata.eventId)).resolves.toBeUndefined();
  });

  it('sends the emails of events waiting together once each, skipping the logged one and a second copy, parking a bad recipient', async () => {
    const events = Array.from({ length: 6 }, () => sampleOrderPlaced());
    const [logged, copied] = events;
    if (!logged || !copied) throw new Error('no events');
    await recordEmailsSent(db, [
      {
        event_id: logged.metadata.eventId,
        order_id: logged.data.orderId,
        recipient: 'alice@example.com',
        sent_at: new Date(),
        message_id: '<logged@shop.example.com>',
      },
    ]);
    const badRecipient = sampleOrderPlaced();
    const valid = encodeEventMessage(sampleEventMessage(badRecipient));
    const forged = { ...badRecipient, data: { ...badRecipient.data, email: 'alice@example.com\r\nBcc: everyone@example.com' } };
    const before = smtp.messages.length;
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    // All wait in the queue before the worker starts, so they reach it together.
    await publisher.publishEvents([
      ...events.map((event) => sampleEventMessage(event)),
      sampleEventMessage(copied),
      ...events.map((event) => sampleEventMessage(sampleOrderAccepted(event.data.orderId), 2)),
    ]);
    channel.sendToQueue(ORDER_QUEUES.confirmation, Buffer.from(JSON.stringify(forged)), valid.options);
    await startWorker({ prefetch: 32 });

    const unsent = events.slice(1).map((event) => `<order-confirmation.${event.metadata.eventId}@shop.example.com>`);
    await smtp.waitForMessages(before + unsent.length);
    expect((await parked).properties.messageId).toBe(badRecipient.metadata.eventId);
    await consumer?.stop();
    expect(
      smtp.messages
        .slice(before)
        .map((email) => email.messageId)
        .sort(),
    ).toEqual(unsent.sort());
    const rows = await findEmailLogs(
      db,
      [...events, badRecipient].map((event) => event.metadata.eventId),
    );
    expect(rows.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.metadata.eventId).sort());
    expect((await channel.checkQueue(ORDER_QUEUES.confirmation)).messageCount).toBe(0);
  });

  it('sends once, one by one, the email of a batch the mail server refused for now', async () => {
    const events = Array.from({ length: 4 }, () => sampleOrderPlaced());
    const before = smtp.messages.length;
    await publisher.publishEvents(events.map((event) => sampleEventMessage(event)));
    smtp.failNext(1);
    await startWorker({ prefetch: 16 });

    await smtp.waitForMessages(before + events.length);
    await consumer?.stop();
    const expected = events.map((event) => `<order-confirmation.${event.metadata.eventId}@shop.example.com>`).sort();
    expect(
      smtp.messages
        .slice(before)
        .map((email) => email.messageId)
        .sort(),
    ).toEqual(expected);
    const rows = await findEmailLogs(
      db,
      events.map((event) => event.metadata.eventId),
    );
    expect(rows).toHaveLength(events.length);
  });
});
