import { PassThrough } from 'node:stream';
import type { Transporter } from 'nodemailer';
import type { ComposedMessage } from './mime-message';

/*
 * A composed message goes to the SMTP pool as a transport receives it from `sendMail`, without `sendMail`
 * itself: for a raw message that compiled a MIME node (parsing the envelope's addresses again) and read the
 * message out of it through a pipeline of streams, 0.3 ms of CPU per confirmation. The pool sends it as it
 * would: the envelope, then the message, over the next free connection (and over another when the server
 * closed a reused one before reading it). Any other transport, or a message not composed here, goes
 * through `sendMail`.
 */

/** nodemailer's side of its interface for transports: what a transport's `send` reads of a message. */
interface TransportMail {
  data: Record<string, never>;
  message: {
    getEnvelope(): { from: string | false; to: string[] };
    messageId(): string;
    getHeader(key: string): string | undefined;
    createReadStream(): PassThrough;
  };
}

/** What the SMTP pool answers for a message sent: the server's reply to it. */
interface PoolSendInfo {
  response: string;
}

interface SmtpPoolTransport {
  send(mail: TransportMail, callback: (error: Error | null, info: PoolSendInfo) => void): void;
}

/**
 * The SMTP pool behind a transporter (`pool: true`), which `sendThroughPool` hands messages to directly; null
 * for any other transport.
 * @example const pool = smtpPoolOf(createTransport({ url, pool: true }));
 */
export function smtpPoolOf(transporter: Transporter): SmtpPoolTransport | null {
  const pool = (transporter as unknown as { transporter?: { name?: unknown; send?: unknown } }).transporter;
  return pool?.name === 'SMTP (pool)' && typeof pool.send === 'function' ? (pool as SmtpPoolTransport) : null;
}

/**
 * Sends a composed message over the pool's connections; resolves with the server's reply once it accepted it.
 * @throws the connection's error, with `responseCode` and `command` when the server refused.
 * @example const { response } = await sendThroughPool(pool, composed);
 */
export function sendThroughPool(pool: SmtpPoolTransport, composed: ComposedMessage): Promise<PoolSendInfo> {
  const mail: TransportMail = {
    data: {},
    message: {
      // A copy each time: the connection keeps its state of the envelope on the object it gets.
      getEnvelope: () => ({ from: composed.envelope.from, to: [...composed.envelope.to] }),
      messageId: () => composed.messageId,
      getHeader: (key) => (key.toLowerCase() === 'message-id' ? composed.messageId : undefined),
      createReadStream: () => new PassThrough().end(composed.raw),
    },
  };
  return new Promise((resolve, reject) => pool.send(mail, (error, info) => (error ? reject(error) : resolve(info))));
}
