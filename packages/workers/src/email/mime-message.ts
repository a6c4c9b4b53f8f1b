import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
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

/** nodemailer's line length for quoted-printable bodies, and for headers (folded). */
const QP_LINE_LENGTH = 76;
const HEADER_LINE_LENGTH = 76;

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
 * every chunk of it to the socket on its own. Writing out its tree of MIME nodes at once still spent half
 * its time building the tree (parsing the addresses, encoding and folding every header). A confirmation whose
 * headers need no encoding is written here as nodemailer writes it, with its folding and quoted-printable
 * functions; any other is written out from nodemailer's own tree. Either way the bytes are nodemailer's
 * (checked at start-up by `composesAsNodemailer`).
 */

/**
 * The message nodemailer would send for these fields, written out synchronously: its headers, then a
 * multipart/alternative of the text and the HTML, each quoted-printable. Null when nodemailer's tree for them
 * is not that shape (the caller then lets nodemailer build the message).
 * @example const message = composeMessage({ from, to, subject, html, text, messageId }); if (message) await transporter.sendMail(message);
 */
export function composeMessage(fields: MessageFields): ComposedMessage | null {
  const baseBoundary = fields.baseBoundary ?? nextBaseBoundary();
  return composePlainMessage(fields, baseBoundary) ?? composeFromTree(fields, baseBoundary);
}

/** An address nodemailer writes and puts in the envelope as it is: a dot-atom local part at a lower-case host name. */
const PLAIN_RECIPIENT = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\.[a-z]+(?:-[a-z0-9]+)*$/;
/** Header text nodemailer leaves unencoded: printable ASCII but the quote, and nothing that looks like an encoded word. */
const PLAIN_HEADER_TEXT = /^(?!.*=\?)[\x20\x21\x23-\x7e]*[\x21\x23-\x7e][\x20\x21\x23-\x7e]*$/;
const PLAIN_MESSAGE_ID = /^<[\x21-\x7e]+>$/;

/**
 * The message written here without nodemailer's tree: null unless to, subject and Message-ID are plain (`PLAIN_*`)
 * and both bodies take quoted-printable (`composeMessage` then writes it from the tree).
 */
export function composePlainMessage(fields: MessageFields, baseBoundary: string): ComposedMessage | null {
  const { to, subject, messageId, text, html } = fields;
  if (!PLAIN_RECIPIENT.test(to) || !PLAIN_HEADER_TEXT.test(subject) || !PLAIN_MESSAGE_ID.test(messageId)) return null;
  if (!takesQuotedPrintable(text) || !takesQuotedPrintable(html)) return null;
  const from = senderOf(fields.from);
  if (!from) return null;
  const boundary = `--_NmP-${baseBoundary}-Part_1`;
  const date = (fields.date ?? new Date()).toUTCString().replace(/GMT/, '+0000');
  const head = [
    from.header,
    foldLines(`To: ${to}`, HEADER_LINE_LENGTH),
    foldLines(`Subject: ${subject}`, HEADER_LINE_LENGTH),
    foldLines(`Message-ID: ${messageId}`, HEADER_LINE_LENGTH),
    foldLines(`Date: ${date}`, HEADER_LINE_LENGTH),
    'MIME-Version: 1.0',
    foldLines(`Content-Type: multipart/alternative; boundary="${boundary}"`, HEADER_LINE_LENGTH),
  ].join('\r\n');
  const part = (contentType: string, content: string) =>
    `--${boundary}\r\nContent-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${wrap(encode(content), QP_LINE_LENGTH)}`;
  const raw = `${head}\r\n\r\n${part('text/plain', text)}\r\n${part('text/html', html)}\r\n--${boundary}--\r\n`;
  return { raw: Buffer.from(raw), envelope: { from: from.address, to: [to] }, messageId };
}

/**
 * Whether nodemailer encodes this text body quoted-printable: it sends plain ASCII with short lines as 7bit,
 * and text with fewer Latin letters than other characters (control or non-ASCII) as base64 (MimeNode's
 * `getTransferEncoding`).
 */
function takesQuotedPrintable(content: string): boolean {
  // Its own test first: a regular expression also flattens a string built piece by piece (as the rendered
  // email is), which the loop below would otherwise read character by character through its pieces.
  if (isPlainText(content)) return hasLongerLines(content, QP_LINE_LENGTH) && /[A-Za-z]/.test(content);
  let latin = 0;
  let other = 0;
  for (let index = 0; index < content.length; index++) {
    const code = content.charCodeAt(index);
    if (code >= 0x80 || code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f)) other++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  return other < latin;
}

/** nodemailer 10's MimeNode encodes a header value as its build does (a method @types/nodemailer does not list). */
interface HeaderValueEncoder {
  encodeHeaderValue(key: string, value: string): string;
}

/** The From header and envelope sender, encoded by nodemailer once for the one sender a mailer has. */
let sender: { from: string; header: string; address: string } | null = null;
function senderOf(from: string): { header: string; address: string } | null {
  if (sender?.from !== from) {
    const node = new MailComposer({ from, baseBoundary: 'sender' }).compile();
    const value = (node as unknown as HeaderValueEncoder).encodeHeaderValue('From', from);
    const address = node.getEnvelope().from;
    if (!value.trim() || !address) return null;
    sender = { from, header: foldLines(`From: ${value}`, HEADER_LINE_LENGTH), address };
  }
  return sender;
}

/** The message written out from nodemailer's own tree of MIME nodes (any headers; the same shape of parts). */
function composeFromTree(fields: MessageFields, baseBoundary: string): ComposedMessage | null {
  const root = new MailComposer({ ...fields, baseBoundary }).compile();
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
 * Whether `composeMessage` writes what nodemailer's own build writes, for probe emails from `from` (escapes,
 * non-ASCII text, long lines, trailing spaces, a folded subject; one with plain headers, one without): run
 * once before the first email is composed.
 */
export async function composesAsNodemailer(from: string): Promise<boolean> {
  const plain = probeFields(from, 'Order confirmed: 0b8e6c1e-3f0a-4d2b-9c77-5f1f2a3b4c5d (2 items, 1076.50, collect at the counter)');
  const encoded = probeFields(from, 'Bestellung bestätigt: 0b8e6c1e-3f0a-4d2b-9c77-5f1f2a3b4c5d');
  for (const fields of [plain, encoded]) {
    const composed = composeMessage(fields);
    if (!composed) return false;
    const built = await new MailComposer(fields).compile().build();
    const envelope = new MailComposer(fields).compile().getEnvelope();
    if (!composed.raw.equals(built) || JSON.stringify(composed.envelope) !== JSON.stringify(envelope)) return false;
  }
  return true;
}

function probeFields(from: string, subject: string): MessageFields {
  const long = 'Crème brûlée 🍮 & "Fish" <chips> = 12.50 '.repeat(8);
  return {
    from,
    to: 'probe.customer+1@example.com',
    subject,
    html: `<!DOCTYPE html><html><body><p style="margin:0">${long}</p>\n<a href="https://shop.example.com/a=b&c">link</a>\u200c\u200b\u2800 </body></html>`,
    text: `Thank you \t\n${long}\nTotal: 1076.50 \n\nhttps://shop.example.com/orders/0b8e6c1e`,
    messageId: '<order-confirmation.probe@example.com>',
    date: new Date('2026-01-02T03:04:05.000Z'),
    baseBoundary: 'probe',
  };
}
