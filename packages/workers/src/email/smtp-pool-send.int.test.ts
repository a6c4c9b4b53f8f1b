import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMessage, type MessageFields } from './mime-message';
import { sendThroughPool, smtpPoolOf } from './smtp-pool-send';
import { type SmtpCapture, startSmtpCapture } from './testing/smtp-capture';

const fields: MessageFields = {
  from: 'Shop <orders@shop.example.com>',
  to: 'alice@example.com',
  subject: 'Order confirmed: 6f1c1f5e-8a4b-4d0e-9f55-1d2c3b4a5e6f',
  text: `Thank you.\nTotal: 33.75 ${'x'.repeat(90)}\n.\n..starts with a dot`,
  html: `<p>Crème brûlée 🍮 ${'y '.repeat(60)}</p>`,
  messageId: '<order-confirmation.6f1c1f5e@shop.example.com>',
  date: new Date('2026-03-01T12:00:00.000Z'),
  baseBoundary: 'fixed',
};

describe('smtp pool send', () => {
  let smtp: SmtpCapture;
  beforeAll(async () => {
    smtp = await startSmtpCapture();
  });
  afterAll(() => smtp.close());

  it('finds the pool behind a pooled transport, and none behind a single connection', () => {
    const pooled = createTransport({ url: smtp.url, pool: true });
    const single = createTransport({ url: smtp.url });
    expect(smtpPoolOf(pooled)).not.toBeNull();
    expect(smtpPoolOf(single)).toBeNull();
    pooled.close();
    single.close();
  });

  it('puts on the wire what nodemailer sends for the same email, with its envelope, and resolves with the reply', async () => {
    const transporter = createTransport({ url: smtp.url, pool: true });
    const pool = smtpPoolOf(transporter);
    const composed = composeMessage(fields);
    if (!pool || !composed) throw new Error('no pool or no composed message');
    const before = smtp.messages.length;
    const { response } = await sendThroughPool(pool, composed);
    await transporter.sendMail(fields);
    transporter.close();
    expect(response).toMatch(/^250 /);
    const [ours, nodemailers] = smtp.messages.slice(before);
    expect(ours?.raw).toBe(nodemailers?.raw);
    expect(ours?.from).toBe('orders@shop.example.com');
    expect(ours?.to).toEqual(['alice@example.com']);
    expect(nodemailers).toMatchObject({ from: ours?.from, to: ours?.to });
  });

  it("rejects with the server's refusal, and sends over the same pool afterwards", async () => {
    const transporter = createTransport({ url: smtp.url, pool: true, maxConnections: 1 });
    const pool = smtpPoolOf(transporter);
    const composed = composeMessage(fields);
    if (!pool || !composed) throw new Error('no pool or no composed message');
    smtp.failNext(1);
    await expect(sendThroughPool(pool, composed)).rejects.toMatchObject({ responseCode: 451 });
    await expect(sendThroughPool(pool, composed)).resolves.toMatchObject({ response: expect.stringMatching(/^250 /) });
    transporter.close();
  });
});
