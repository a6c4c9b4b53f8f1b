import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encode, wrap } from 'nodemailer/lib/qp';

/** What the mailer hands nodemailer for an email: the sender, one recipient, the subject, the text and the HTML version. */
export interface MessageFields {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  /** Fixed only to compare two builds (nodemailer stamps the time of the build otherwise). */
  date?: Date;
  /** Fixed only to compare two builds; see `nextBaseBoundary` otherwise. */
  baseBoundary?: string;
}

export interface ComposedMessage {
  /** The message as it goes on the wire, for nodemailer's `raw`. */
  raw: Buffer;
  /** The SMTP envelope nodemailer derives from the headers. */
  envelope: { from: string | false; to: string[] };
  /** The Message-ID header, given along so that nodemailer does not draw one for the raw message. */
  messageId: string;
}

/** nodemailer's line length for quoted-printable bodies. */
const QP_LINE_LENGTH = 76;

/**
 * The unique part of each message's boundaries: random to this process, counted within it. nodemailer draws
 * 8 random bytes for every MIME node instead, a system call each.
 */
const processBoundary = randomBytes(6).toString('hex');
let boundaries = 0;
function nextBaseBoundary(): string {
  boundaries = (boundaries + 1) % Number.MAX_SAFE_INTEGER;
  return `${processBoundary}${boundaries.toString(16).padStart(4, '0')}`;
}

/*
 * nodemailer builds a message through a pipeline of streams (a quoted-printable encoder per part, a
 * line-end transform, a pass-through), 0.7 ms of CPU for a confirmation, and the SMTP connection writes
 * every chunk of it to the socket on its own. Here the tree comes from nodemailer's own composer and only
 * the writing out is done at once, with the functions its encoder runs, so the bytes are the same (checked
 * at start-up by `composesAsNodemailer`).
 */

/**
 * The message nodemailer would send for these fields, written out synchronously: its headers, then a
 * multipart/alternative of the text and the HTML, each quoted-printable. Null when nodemailer's tree for them
 * is not that shape (the caller then lets nodemailer build the message).
 * @example const message = composeMessage({ from, to, subject, html, text, messageId }); if (message) await transporter.sendMail(message);
 */
export function composeMessage(fields: MessageFields): ComposedMessage | null {
  const root = new MailComposer({ ...fields, baseBoundary: fields.baseBoundary ?? nextBaseBoundary() }).compile();
  // Building the headers is what settles the node's multipart kind and boundary.
  let out = `${root.buildHeaders()}\r\n\r\n`;
  if (root.multipart !== 'alternative' || !root.boundary || root.childNodes.length !== 2) return null;
  for (const [index, part] of root.childNodes.entries()) {
    if (typeof part.content !== 'string' || part.getTransferEncoding() !== 'quoted-printable' || part.childNodes.length > 0) return null;
    const headers = part.buildHeaders();
    out += `${index > 0 ? '\r\n' : ''}--${root.boundary}\r\n${headers}\r\n\r\n${wrap(encode(part.content), QP_LINE_LENGTH)}`;
  }
  out += `\r\n--${root.boundary}--\r\n`;
  return { raw: Buffer.from(out), envelope: root.getEnvelope(), messageId: fields.messageId };
}

/**
 * Whether `composeMessage` writes what nodemailer's own build writes, for a probe email from `from`
 * (escapes, non-ASCII text, long lines, trailing spaces): run once before the first email is composed.
 */
export async function composesAsNodemailer(from: string): Promise<boolean> {
  const fields = probeFields(from);
  const composed = composeMessage(fields);
  if (!composed) return false;
  const built = await new MailComposer(fields).compile().build();
  const envelope = new MailComposer(fields).compile().getEnvelope();
  return composed.raw.equals(built) && JSON.stringify(composed.envelope) === JSON.stringify(envelope);
}

function probeFields(from: string): MessageFields {
  const long = 'Crème brûlée 🍮 & "Fish" <chips> = 12.50 '.repeat(8);
  return {
    from,
    to: 'probe@example.com',
    subject: 'Order confirmed: 0b8e6c1e-3f0a-4d2b-9c77-5f1f2a3b4c5d',
    html: `<!DOCTYPE html><html><body><p style="margin:0">${long}</p>\n<a href="https://shop.example.com/a=b&c">link</a>\u200c\u200b\u2800 </body></html>`,
    text: `Thank you \t\n${long}\nTotal: 1076.50 \n\nhttps://shop.example.com/orders/0b8e6c1e`,
    messageId: '<order-confirmation.probe@example.com>',
    date: new Date('2026-01-02T03:04:05.000Z'),
    baseBoundary: 'probe',
  };
}
