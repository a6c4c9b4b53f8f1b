import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSmtpReceiver } from '@delivery/workers/smtp-receiver';

/*
 * The child process of `startEmailArrivals`: an SMTP server on loopback that accepts every message and prints,
 * one JSON line each, the order id of every confirmation with the time it was received (ms since the epoch,
 * sub-millisecond: performance.timeOrigin + performance.now()). Its first line is its URL. It ends when its
 * stdin closes (the bench stopped it, or died). Started by the bench only.
 */

const SUBJECT = /^Subject: Order confirmed: (\S+)\r?$/m;

const server = createSmtpReceiver(async (data) => {
  const receivedAt = performance.timeOrigin + performance.now();
  // The headers end at the first empty line; the subject is short ASCII, never folded.
  const head = data.subarray(0, data.indexOf('\r\n\r\n')).toString('latin1');
  const orderId = SUBJECT.exec(head)?.[1];
  if (orderId) process.stdout.write(`${JSON.stringify({ orderId, receivedAt })}\n`);
});
// A client that dies mid-session (a stopped email worker) resets its socket: not a reason to stop.
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `smtp://127.0.0.1:${port}` })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
