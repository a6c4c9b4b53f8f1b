import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { AmqpUrlSchema } from '../messaging/amqp-nodes';

/**
 * Signs tokens on a developer machine when AUTH_SECRET is unset. It is public (it is in this file), so
 * it is refused in production and on any address other than loopback, and `environmentWarnings` names it.
 */
export const DEV_AUTH_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/** The API, the workers and the CLI all stop with this, naming each bad variable and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Empty variables count as unset, as a shell `FOO= cmd` or a compose file's `FOO:` mean. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

// `new URL` throws on text that is no URL at all; zod runs refinements even after a failed format check.
const protocolOf = (value: string): string | null => (URL.canParse(value) ? new URL(value).protocol : null);

const url = (protocols: readonly string[]) =>
  z.string().refine((value) => protocols.includes(protocolOf(value) ?? ''), {
    error: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
  });

const wholeNumber = (options: { min: number; max?: number }) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(options.min, { error: `must be at least ${options.min}` })
    .max(options.max ?? Number.MAX_SAFE_INTEGER, { error: `must be at most ${options.max ?? Number.MAX_SAFE_INTEGER}` });

const SPAN_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** A duration such as "15m", "1h", "30d" (or plain seconds), in seconds. */
export function spanSeconds(text: string): number | null {
  const match = /^(\d+)\s*([smhdw]?)$/.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * (match[2] ? SPAN_SECONDS[match[2] as keyof typeof SPAN_SECONDS] : 1);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : null;
}

/** True for the addresses only this machine reaches: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** `10.0.0.0/8`, `192.168.1.7`, `fd00::/8`: a network (or one address) as an operator writes it. */
export function parseNetwork(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d*$/.test(prefixText ?? '') || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The networks of a comma-separated list as a `BlockList` to check addresses against. */
export function networkList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of networks) {
    const network = parseNetwork(text);
    if (network) list.addSubnet(network.address, network.prefix, network.family);
  }
  return list;
}

const networks = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine((parts) => parts.every((part) => parseNetwork(part) !== null), {
    error: 'must be networks such as 10.0.0.0/8 or addresses such as 192.168.1.7, comma-separated',
  });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every variable of every process (API, workers, CLI), parsed once at boot; defaults fit this machine's
 * services (API.md "Configuration", README "Configuration" and "Security"). A process ignores what it does
 * not use, but a bad value anywhere is named, so a mistake shows at the first command, not at the last.
 */
const EnvironmentSchema = z
  .object({
    NODE_ENV: unsetWhenEmpty(z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }).default('development')),
    // Where the API listens: loopback unless an operator (or a container) says otherwise.
    HOST: unsetWhenEmpty(
      z
        .string()
        .refine((value) => isIP(value.replace(/^\[|\]$/g, '')) !== 0 || value === 'localhost', {
          error: 'must be an IP address (such as 127.0.0.1 or 0.0.0.0) or localhost',
        })
        .default('127.0.0.1'),
    ),
    PORT: unsetWhenEmpty(wholeNumber({ min: 0, max: 65_535 }).default(3000)),
    // The base URL people reach: OpenAPI `servers`, links in emails. Never taken from a request's Host header;
    // unset, the document names its own origin relatively (`/`) and emails link to the API's own address.
    PUBLIC_URL: unsetWhenEmpty(
      url(['http:', 'https:'])
        .transform((value) => value.replace(/\/+$/, ''))
        .optional(),
    ),
    MYSQL_URL: unsetWhenEmpty(url(['mysql:']).default('mysql://root@127.0.0.1:3306/delivery_system')),
    // A replica of MYSQL_URL's server for read-model reads (order.get, order.list); unset, the primary serves them.
    MYSQL_READ_URL: unsetWhenEmpty(url(['mysql:']).optional()),
    POSTGRES_URL: unsetWhenEmpty(url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/delivery_system')),
    // One node, or several of a cluster separated by commas (`parseAmqpNodes` names the part it refuses).
    AMQP_URL: unsetWhenEmpty(AmqpUrlSchema.default('amqp://guest:guest@127.0.0.1:5672')),
    SMTP_URL: unsetWhenEmpty(url(['smtp:', 'smtps:']).optional()),
    USER_EMAIL: unsetWhenEmpty(z.email({ error: 'must be an email address' }).optional()),
    USER_EMAIL_PASS: unsetWhenEmpty(z.string().optional()),
    MAIL_FROM: unsetWhenEmpty(z.string().optional()),
    // Where development emails are kept as .eml files (no mail server): listed at /dev/mail outside production.
    MAIL_DIR: unsetWhenEmpty(z.string().optional()),
    AUTH_SECRET: unsetWhenEmpty(z.string().min(32, { error: 'must be at least 32 characters (HS256 needs a 256-bit key)' }).default(DEV_AUTH_SECRET)),
    // The longest life a token may have (exp - iat): a leaked token dies within it.
    TOKEN_MAX_TTL: unsetWhenEmpty(
      z
        .string()
        .refine((value) => spanSeconds(value) !== null, { error: 'must be a duration such as 12h, 30d or a number of seconds' })
        .default('30d')
        .transform((value) => spanSeconds(value) as number),
    ),
    METRICS_TOKEN: unsetWhenEmpty(z.string().min(16, { error: 'must be at least 16 characters' }).optional()),
    DELIVERY_DELAY_MS: unsetWhenEmpty(wholeNumber({ min: 0 }).default(30_000)),
    LOG_LEVEL: unsetWhenEmpty(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
    LOG_FORMAT: unsetWhenEmpty(z.enum(['readable', 'json'], { error: 'must be readable or json' }).default('readable')),
    // A full bulk create (500 items with 2,000-character descriptions) is about 1.2 MB of JSON.
    MAX_BODY_BYTES: unsetWhenEmpty(wholeNumber({ min: 1 }).default(2 * 1024 * 1024)),
    // A client gets this long to send its headers, and this long to send the whole request (slow bodies).
    HEADERS_TIMEOUT_MS: unsetWhenEmpty(wholeNumber({ min: 100 }).default(10_000)),
    REQUEST_TIMEOUT_MS: unsetWhenEmpty(wholeNumber({ min: 100 }).default(30_000)),
    API_URL: unsetWhenEmpty(url(['http:', 'https:']).default('http://127.0.0.1:3000')),
    // The original system's REST paths carry no tokens: off unless an operator turns them on for a migration.
    LEGACY_API: unsetWhenEmpty(z.enum(['on', 'off'], { error: 'must be on or off' }).default('off')),
    // In production the original paths answer loopback and these networks only.
    LEGACY_API_ALLOW: unsetWhenEmpty(networks.default([])),
    // Per customer: orders placed per window, subscriptions open at once.
    ORDER_RATE_LIMIT: unsetWhenEmpty(wholeNumber({ min: 1 }).default(30)),
    ORDER_RATE_WINDOW_S: unsetWhenEmpty(wholeNumber({ min: 1 }).default(60)),
    SUBSCRIPTION_LIMIT: unsetWhenEmpty(wholeNumber({ min: 1 }).default(20)),
    // order.get with minVersion: how long one read waits, and how many wait at once in one API process.
    MIN_VERSION_WAIT_MS: unsetWhenEmpty(wholeNumber({ min: 0, max: 60_000 }).default(3_000)),
    MAX_CONCURRENT_WAITS: unsetWhenEmpty(wholeNumber({ min: 0 }).default(100)),
    // order.onStatusChange waits this long for an order that does not exist yet, then answers NOT_FOUND.
    UNKNOWN_ORDER_WAIT_MS: unsetWhenEmpty(wholeNumber({ min: 0, max: 600_000 }).default(10_000)),
    VENDOR_TOKEN: unsetWhenEmpty(z.string().optional()),
    RELAY_BATCH_SIZE: unsetWhenEmpty(wholeNumber({ min: 1 }).default(100)),
    RELAY_POLL_INTERVAL_MS: unsetWhenEmpty(wholeNumber({ min: 1 }).default(50)),
    EMAIL_CONCURRENCY: unsetWhenEmpty(wholeNumber({ min: 1 }).default(8)),
    DELIVERY_MODE: unsetWhenEmpty(z.enum(['services', 'embedded'], { error: 'must be services or embedded' }).optional()),
    DATA_DIR: unsetWhenEmpty(z.string().default('.data/embedded')),
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.AUTH_SECRET !== DEV_AUTH_SECRET, {
    error: 'must be set in production (the development default is public)',
    path: ['AUTH_SECRET'],
  })
  .refine((config) => isLoopbackHost(config.HOST) || config.AUTH_SECRET !== DEV_AUTH_SECRET, {
    error: 'must be set when HOST is not a loopback address (the development default is public: anyone could sign an admin token)',
    path: ['AUTH_SECRET'],
  })
  .refine((config) => !config.USER_EMAIL || config.USER_EMAIL_PASS, {
    error: 'is required when USER_EMAIL is set',
    path: ['USER_EMAIL_PASS'],
  });

export const Environment = EnvironmentSchema;
export type Environment = z.infer<typeof EnvironmentSchema>;

/**
 * Parses the environment once at boot.
 * @throws ConfigError naming each bad variable, e.g. `PORT: must be at most 65535`.
 * @example const config = loadEnvironment(process.env);
 */
export function loadEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = EnvironmentSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

/** What an operator should hear about at boot without it being fatal, in every mode. */
export function environmentWarnings(config: Environment): string[] {
  const warnings: string[] = [];
  if (config.AUTH_SECRET === DEV_AUTH_SECRET) {
    warnings.push('AUTH_SECRET is not set: tokens are signed with the public development secret (fine on loopback, refused elsewhere)');
  }
  if (config.LEGACY_API === 'on') {
    const who = config.NODE_ENV === 'production' ? ['loopback', ...config.LEGACY_API_ALLOW].join(', ') : 'any caller (not production)';
    warnings.push(`LEGACY_API=on: the original paths answer without tokens to ${who}`);
  }
  return warnings;
}
