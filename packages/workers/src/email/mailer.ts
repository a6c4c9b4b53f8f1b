import { inSpan, SpanKind } from '@delivery/events';
import { createTransport } from 'nodemailer';
import type { MailTransportConfig } from '../shared/config';
import { saveEmlFile } from './mail-folder';
import { composeMessage, composesAsNodemailer, type MessageFields } from './mime-message';
import { sendThroughPool, smtpPoolOf } from './smtp-pool-send';

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The Message-ID header, `<...@...>`: set by the caller so that a resend of the same email is recognisable. */
  messageId: string;
}

export interface Mailer {
  /**
   * Hands an email to the mail server; resolves once the server accepted it.
   * @throws the transport's error, with `responseCode` and `command` when the server refused.
   */
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string }>;
  close(): void;
}

/**
 * Bounds on every SMTP step, so a server that hangs fails the send (and the message is retried) instead of
 * stalling it. Pooled: connections stay open between emails (a new one per email cost more CPU than the email).
 */
const smtpOptions = { pool: true, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * A nodemailer transport over `SMTP_URL`, over Gmail with an account and app password as the original
 * system did, or into a folder of .eml files (embedded mode).
 * @example const mailer = createMailer({ transport: { kind: 'smtp', url: 'smtp://127.0.0.1:2525' }, from: 'Shop <shop@example.com>' });
 */
export function createMailer(options: {
  transport: MailTransportConfig;
  from: string;
  /** Open SMTP connections at most (nodemailer's default: 5). */
  connections?: number;
}): Mailer {
  const { transport } = options;
  let composing: Promise<boolean> | undefined;
  /** The message written out here when that gives nodemailer's bytes (checked once), nodemailer's fields otherwise. */
  const message = async (email: OutgoingEmail) => {
    const fields: MessageFields = { from: options.from, to: email.to, subject: email.subject, html: email.html, text: email.text, messageId: email.messageId };
    composing ??= composesAsNodemailer(options.from);
    const composed = (await composing) ? composeMessage(fields) : null;
    return composed ?? fields;
  };
  if (transport.kind === 'folder') {
    // nodemailer writes the message exactly as it would send it; it is kept instead of sent.
    const builder = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return traced(transport.kind, {
      async send(email) {
        const info = await builder.sendMail(await message(email));
        if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer did not buffer the message');
        const path = await saveEmlFile(transport.folder, info.message);
        return { messageId: email.messageId, response: `written to ${path}` };
      },
      close: () => builder.close(),
    });
  }
  const pool = { ...smtpOptions, maxConnections: options.connections ?? 5 };
  const transporter =
    transport.kind === 'smtp'
      ? createTransport({ url: transport.url, ...pool })
      : createTransport({ service: 'gmail', auth: { user: transport.user, pass: transport.pass }, ...pool });
  const smtpPool = smtpPoolOf(transporter);
  return traced(transport.kind, {
    async send(email) {
      const composed = await message(email);
      const info = 'raw' in composed && smtpPool ? await sendThroughPool(smtpPool, composed) : await transporter.sendMail(composed);
      return { messageId: email.messageId, response: info.response };
    },
    close: () => transporter.close(),
  });
}

/** Each send as a client span of the consumer's trace (a no-op span while tracing is off). */
function traced(transport: MailTransportConfig['kind'], mailer: Mailer): Mailer {
  return {
    send: (email) => inSpan('smtp send', { kind: SpanKind.CLIENT, attributes: { 'mail.transport': transport } }, () => mailer.send(email)),
    close: () => mailer.close(),
  };
}
