import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';

/**
 * An SMTP server for loopback that takes any message, with no TLS and no login: `receive` gets each whole
 * message with its envelope; when it rejects, the sender is refused with its error (a `responseCode` of 451
 * is a temporary refusal). Shared by the development mailbox of `start all` and the tests' SMTP capture.
 * @example const server = createSmtpReceiver(async (data) => saveEmlFile(folder, data)); server.listen(1025, '127.0.0.1');
 */
export function createSmtpReceiver(receive: (data: Buffer, envelope: SMTPServerEnvelope) => Promise<unknown>): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        receive(Buffer.concat(chunks), session.envelope).then(() => callback(), callback);
      });
    },
  });
}
