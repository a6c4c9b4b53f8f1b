import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_AUTH_SECRET, Environment, environmentWarnings, isLoopbackHost, loadEnvironment, networkList } from './environment';

const secret = 'x'.repeat(32);

/** A bad value for every variable the processes read, and the words its error must contain. */
const BAD_VALUES: Record<string, [value: string, reason: RegExp]> = {
  NODE_ENV: ['prod', /must be development, test or production/],
  HOST: ['my laptop', /must be an IP address/],
  PORT: ['70000', /must be at most 65535/],
  PUBLIC_URL: ['shop.example.com', /must be a URL starting with http:\/\/ or https:\/\//],
  MYSQL_URL: ['postgres://x/y', /must be a URL starting with mysql:\/\//],
  POSTGRES_URL: ['nope', /must be a URL starting with postgres:/],
  MYSQL_READ_URL: ['http://replica', /must be a URL starting with mysql:\/\//],
  AMQP_URL: ['nope', /must be a URL \(amqp:, amqps:\)/],
  SMTP_URL: ['http://mail', /must be a URL starting with smtp:/],
  USER_EMAIL: ['shop-at-gmail', /must be an email address/],
  AUTH_SECRET: ['short', /must be at least 32 characters/],
  TOKEN_MAX_TTL: ['forever', /must be a duration/],
  METRICS_TOKEN: ['abc', /must be at least 16 characters/],
  DELIVERY_DELAY_MS: ['soon', /must be a whole number/],
  LOG_LEVEL: ['loud', /must be one of fatal, error/],
  LOG_FORMAT: ['xml', /must be readable or json/],
  MAX_BODY_BYTES: ['0', /must be at least 1/],
  HEADERS_TIMEOUT_MS: ['5', /must be at least 100/],
  REQUEST_TIMEOUT_MS: ['1.5', /must be a whole number/],
  API_URL: ['ftp://api', /must be a URL starting with http:/],
  LEGACY_API: ['yes', /must be on or off/],
  LEGACY_API_ALLOW: ['10.0.0.0/33', /must be networks such as 10.0.0.0\/8/],
  ORDER_RATE_LIMIT: ['0', /must be at least 1/],
  ORDER_RATE_WINDOW_S: ['-1', /must be at least 1/],
  SUBSCRIPTION_LIMIT: ['many', /must be a whole number/],
  MIN_VERSION_WAIT_MS: ['600000', /must be at most 60000/],
  MAX_CONCURRENT_WAITS: ['-3', /must be at least 0/],
  UNKNOWN_ORDER_WAIT_MS: ['a while', /must be a whole number/],
  RELAY_BATCH_SIZE: ['0', /must be at least 1/],
  RELAY_POLL_INTERVAL_MS: ['x', /must be a whole number/],
  EMAIL_CONCURRENCY: ['0', /must be at least 1/],
  DELIVERY_MODE: ['cloud', /must be services or embedded/],
};

function errorOf(env: Record<string, string>): string {
  try {
    loadEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('environment', () => {
  it('fills in the defaults of API.md for an empty environment', () => {
    const config = loadEnvironment({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      MYSQL_URL: 'mysql://root@127.0.0.1:3306/delivery_system',
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/delivery_system',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DELIVERY_DELAY_MS: 30_000,
      API_URL: 'http://127.0.0.1:3000',
      LOG_LEVEL: 'info',
      LEGACY_API: 'off',
      LEGACY_API_ALLOW: [],
      TOKEN_MAX_TTL: 30 * 86_400,
    });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  it('knows every variable it is tested with', () => {
    const known = Object.keys(Environment.shape).filter((name) => !['USER_EMAIL_PASS', 'MAIL_FROM', 'MAIL_DIR', 'VENDOR_TOKEN', 'DATA_DIR'].includes(name));
    expect(Object.keys(BAD_VALUES).sort()).toEqual(known.sort());
  });

  it.each(Object.entries(BAD_VALUES))('names %s and why when its value is bad', (name, [value, reason]) => {
    const message = errorOf({ [name]: value });
    const line = message.split('\n').find((text) => text.trimStart().startsWith(`${name}: `));
    expect(line, message).toMatch(reason);
  });

  it('names every bad variable in one error', () => {
    const message = errorOf({ PORT: 'abc', MYSQL_URL: 'nope', AMQP_URL: 'nope', AUTH_SECRET: 'short' });
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/MYSQL_URL: /);
    expect(message).toMatch(/AMQP_URL: /);
    expect(message).toMatch(/AUTH_SECRET: /);
  });

  it('treats an empty variable as unset, the same for every variable', () => {
    const empty = Object.fromEntries(Object.keys(BAD_VALUES).map((name) => [name, '']));
    expect(loadEnvironment(empty)).toEqual(loadEnvironment({}));
  });

  it('parses numbers, durations, lists of nodes and networks from their text', () => {
    expect(
      loadEnvironment({
        PORT: '3900',
        TOKEN_MAX_TTL: '12h',
        AMQP_URL: 'amqp://a:5672, amqp://b:5672',
        LEGACY_API_ALLOW: '10.0.0.0/8, 192.168.1.7,fd00::/8',
        PUBLIC_URL: 'https://shop.example.com/',
      }),
    ).toMatchObject({
      PORT: 3900,
      TOKEN_MAX_TTL: 43_200,
      LEGACY_API_ALLOW: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'],
      PUBLIC_URL: 'https://shop.example.com',
    });
  });

  it('leaves the public URL unset unless given (never guessed from a request)', () => {
    expect(loadEnvironment({ PORT: '4100' }).PUBLIC_URL).toBeUndefined();
  });

  it('requires the Gmail password with the Gmail account', () => {
    expect(errorOf({ USER_EMAIL: 'me@gmail.com' })).toMatch(/USER_EMAIL_PASS: is required when USER_EMAIL is set/);
  });

  describe('the development secret', () => {
    it('is used and warned about on loopback outside production', () => {
      expect(loadEnvironment({}).AUTH_SECRET).toBe(DEV_AUTH_SECRET);
      expect(environmentWarnings(loadEnvironment({}))).toEqual([expect.stringMatching(/AUTH_SECRET is not set/)]);
      expect(environmentWarnings(loadEnvironment({ AUTH_SECRET: secret }))).toEqual([]);
    });

    it('is refused in production', () => {
      expect(errorOf({ NODE_ENV: 'production' })).toMatch(/AUTH_SECRET: must be set in production/);
      expect(loadEnvironment({ NODE_ENV: 'production', AUTH_SECRET: secret }).NODE_ENV).toBe('production');
    });

    it.each(['0.0.0.0', '::', '10.1.2.3', '192.168.0.10'])('is refused when the API listens on %s', (host) => {
      expect(errorOf({ HOST: host })).toMatch(/AUTH_SECRET: must be set when HOST is not a loopback address/);
      expect(loadEnvironment({ HOST: host, AUTH_SECRET: secret }).HOST).toBe(host);
    });

    it.each(['127.0.0.1', '127.0.0.2', '::1', 'localhost'])('is allowed on the loopback address %s', (host) => {
      expect(loadEnvironment({ HOST: host }).AUTH_SECRET).toBe(DEV_AUTH_SECRET);
    });
  });

  it('warns about the original paths and names who may call them', () => {
    const warnings = environmentWarnings(loadEnvironment({ NODE_ENV: 'production', AUTH_SECRET: secret, LEGACY_API: 'on', LEGACY_API_ALLOW: '10.0.0.0/8' }));
    expect(warnings).toEqual([expect.stringMatching(/LEGACY_API=on.*loopback, 10\.0\.0\.0\/8/)]);
  });

  it('tells loopback addresses and networks apart', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', '::ffff:10.0.0.1'].some(isLoopbackHost)).toBe(false);
    const allowed = networkList(['10.0.0.0/8', '192.168.1.7']);
    expect(allowed.check('10.200.1.1', 'ipv4')).toBe(true);
    expect(allowed.check('192.168.1.7', 'ipv4')).toBe(true);
    expect(allowed.check('192.168.1.8', 'ipv4')).toBe(false);
  });
});
