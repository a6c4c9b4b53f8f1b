import type { Options } from 'amqplib';
import { z } from 'zod';

/** One broker node of `AMQP_URL`: what amqplib connects with, and how logs name it (no password). */
export interface AmqpNode {
  label: string;
  connect: Options.Connect;
}

export class AmqpUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmqpUrlError';
  }
}

/**
 * Reads `AMQP_URL`: one `amqp://` or `amqps://` URL per broker node, separated by commas (nodes of one
 * cluster, so each carries its own credentials and vhost). A `heartbeat` query parameter wins over
 * `heartbeatSeconds`.
 * @throws AmqpUrlError naming the part that is not such a URL.
 * @example parseAmqpNodes('amqp://guest:guest@10.0.0.1:5672,amqp://guest:guest@10.0.0.2:5672', { heartbeatSeconds: 10 });
 */
export function parseAmqpNodes(urls: string, options: { heartbeatSeconds?: number } = {}): AmqpNode[] {
  const parts = urls.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new AmqpUrlError('must be one or more amqp:// URLs separated by commas, with none empty');
  return parts.map((part, index) => parseNode(part, parts.length > 1 ? `node ${index + 1} ` : '', options.heartbeatSeconds));
}

function parseNode(text: string, which: string, heartbeatSeconds: number | undefined): AmqpNode {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AmqpUrlError(`${which}must be a URL (amqp:, amqps:)`);
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new AmqpUrlError(`${which}must start with amqp: or amqps:`);
  const query = (name: string): number | undefined => {
    const value = url.searchParams.get(name);
    return value === null ? undefined : Number.parseInt(value, 10);
  };
  // Every key is present (if undefined) so that copying one node over another replaces all of it.
  const connect: Options.Connect = {
    protocol: url.protocol.slice(0, -1),
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'amqp:' ? 5672 : 5671,
    username: url.username ? decodeURIComponent(url.username) : 'guest',
    password: url.password ? decodeURIComponent(url.password) : url.username ? '' : 'guest',
    // Still escaped: amqplib unescapes the vhost itself, as it does for a URL string ('' and '/' mean '/').
    vhost: url.pathname.slice(1),
    locale: url.searchParams.get('locale') ?? 'en_US',
    frameMax: query('frameMax') ?? 131_072,
    channelMax: query('channelMax') ?? 0,
    // Undefined accepts the server's proposal, as amqplib does for a URL without one.
    heartbeat: query('heartbeat') ?? heartbeatSeconds,
  };
  return { label: `${url.hostname}:${String(connect.port)}`, connect };
}

/** `AMQP_URL` in an entry point's environment schema: the message names what `parseAmqpNodes` refused. */
export const AmqpUrlSchema = z.string().superRefine((value, ctx) => {
  try {
    parseAmqpNodes(value);
  } catch (error) {
    if (!(error instanceof AmqpUrlError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});
