import type { AddressInfo } from 'node:net';
import { delay } from '@delivery/events';
import { createSmtpReceiver } from '../smtp-receiver';

export interface CapturedEmail {
  from: string | null;
  to: string[];
  /** The message as the server received it. */
  raw: string;
  /** Header and bodies with quoted-printable soft breaks and escapes undone, for substring assertions. */
  decoded: string;
  messageId: string | null;
  subject: string | null;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string;
  readonly messages: readonly CapturedEmail[];
  /** Resolves with all messages once at least `count` arrived. */
  waitForMessages(count: number): Promise<readonly CapturedEmail[]>;
  /** The next `count` messages are refused with a temporary 451, as a busy server would. */
  failNext(count: number): void;
  /** From now on every message is accepted only after `ms`, as a slow server would: sends then overlap. */
  answerAfter(ms: number): void;
  /** Stops listening, as a server that went down: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives: tests send through the real nodemailer path. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = [];
  const waiters: { count: number; resolve: (all: readonly CapturedEmail[]) => void }[] = [];
  let failures = 0;
  let answerDelayMs = 0;

  const server = createSmtpReceiver(async (data, envelope) => {
    if (failures > 0) {
      failures--;
      throw Object.assign(new Error('try again later'), { responseCode: 451 });
    }
    const mailFrom = envelope.mailFrom;
    messages.push(
      capturedEmailOf(data, {
        from: mailFrom ? mailFrom.address : null,
        to: envelope.rcptTo.map((address) => address.address),
      }),
    );
    for (const waiter of waiters.filter((entry) => messages.length >= entry.count)) waiter.resolve(messages);
    if (answerDelayMs > 0) await delay(answerDelayMs).promise;
  });
  // A client that dies mid-session (a killed email worker) resets its socket; smtp-server reports that as an
  // 'error' on the server, which must not end the test process. What was received stays received.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMessages(count) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    failNext(count) {
      failures = count;
    },
    answerAfter(ms) {
      answerDelayMs = ms;
    },
    async down() {
      // Listening stops at once; sessions under way may finish (the callback waits for them, this does not).
      server.server.close();
    },
    up: () => new Promise<void>((resolve) => server.server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

/**
 * A message as written on the wire (or in an .eml file) with its envelope, ready for assertions.
 * @example const email = capturedEmailOf(await readFile(path), { from: null, to: ['alice@example.com'] });
 */
export function capturedEmailOf(data: Buffer, envelope: { from: string | null; to: string[] }): CapturedEmail {
  const raw = data.toString('utf8');
  return {
    ...envelope,
    raw,
    decoded: decodeQuotedPrintable(data.toString('latin1')),
    messageId: header(raw, 'Message-ID'),
    subject: header(raw, 'Subject'),
  };
}

function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}

/** `latin1` holds the raw bytes one per character, so decoded escapes and 8-bit text both come out as UTF-8. */
function decodeQuotedPrintable(latin1: string): string {
  const joined = latin1.replace(/=\r?\n/g, '');
  const bytes = Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}
