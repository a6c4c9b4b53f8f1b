import { createTransport } from 'nodemailer';
import type { MailTransportConfig } from '../shared/config';

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

/** Bounds on every SMTP step, so a server that hangs fails the send (and the message is retried) instead of stalling it. */
const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * A nodemailer transport over `SMTP_URL`, or over Gmail with an account and app password as the
 * original system did.
 * @example const mailer = createMailer({ transport: { kind: 'smtp', url: 'smtp://127.0.0.1:2525' }, from: 'Shop <shop@example.com>' });
 */
export function createMailer(options: { transport: MailTransportConfig; from: string }): Mailer {
  const transporter =
    options.transport.kind === 'smtp'
      ? createTransport({ url: options.transport.url, ...timeouts })
      : createTransport({ service: 'gmail', auth: { user: options.transport.user, pass: options.transport.pass }, ...timeouts });
  return {
    async send(email) {
      const info = await transporter.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
      });
      return { messageId: info.messageId, response: info.response };
    },
    close: () => transporter.close(),
  };
}
