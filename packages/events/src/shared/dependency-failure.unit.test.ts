import { describe, expect, it } from 'vitest';
import { dependencyFailureOf } from './dependency-failure';

/** An Error with the extra fields a driver sets on it. */
const driverError = (message: string, fields: Record<string, unknown>, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), fields);

describe('dependencyFailureOf', () => {
  describe('names a dependency that is down', () => {
    it.each([
      [
        'a refused connection, by its address',
        driverError('connect ECONNREFUSED 127.0.0.1:3306', { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 3306 }),
        '127.0.0.1:3306',
        'ECONNREFUSED',
      ],
      [
        'a lost mysql2 connection',
        driverError('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
        'mysql',
        'PROTOCOL_CONNECTION_LOST',
      ],
      [
        'MariaDB shutting down',
        driverError('Server shutdown in progress', { code: 'ER_SERVER_SHUTDOWN', errno: 1053, sqlState: '08S01' }),
        'mysql',
        'ER_SERVER_SHUTDOWN',
      ],
      ['a mysql2 connection already closed', driverError("Can't add new command when connection is in closed state", {}), 'network', 'connection closed'],
      [
        'PostgreSQL shutting down',
        driverError('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' }),
        'postgres',
        '57P01',
      ],
      ['PostgreSQL starting up', driverError('the database system is starting up', { code: '57P03', severity: 'FATAL' }), 'postgres', '57P03'],
      ['a node-postgres connection ended under a query', new Error('Connection terminated unexpectedly'), 'network', 'connection terminated'],
      ['a closed PGlite', new Error('PGlite is closed'), 'pglite', 'pglite closed'],
      ['an SMTP server that cannot be reached', driverError('Connection refused', { code: 'ECONNECTION', command: 'CONN' }), 'smtp', 'ECONNECTION'],
      ['an SMTP 4xx reply', driverError('Try again later', { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }), 'smtp', 'smtp 451'],
      [
        'a 503 of the API',
        Object.assign(new Error('unavailable'), { name: 'TRPCClientError', data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } }),
        'api',
        'http 503',
      ],
      [
        'the API not reachable at all, through fetch',
        Object.assign(
          new Error('fetch failed', {
            cause: new TypeError('fetch failed', { cause: driverError('connect ECONNREFUSED', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 3000 }) }),
          }),
          { name: 'TRPCClientError' },
        ),
        'api',
        'fetch failed',
      ],
      [
        "happy eyeballs' AggregateError",
        Object.assign(new AggregateError([driverError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED', address: '::1', port: 5432 })]), {
          code: 'ECONNREFUSED',
        }),
        'network',
        'ECONNREFUSED',
      ],
      [
        'a Kysely error wrapping a lost connection',
        new Error('query failed', { cause: driverError('x', { code: 'PROTOCOL_CONNECTION_LOST' }) }),
        'mysql',
        'PROTOCOL_CONNECTION_LOST',
      ],
    ])('%s', (_, error, dependency, reason) => {
      expect(dependencyFailureOf(error)).toEqual({ dependency, reason });
    });
  });

  describe("leaves a message's own failure alone", () => {
    it.each([
      ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['a duplicate key', driverError("Duplicate entry '1' for key 'PRIMARY'", { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' })],
      ['a value too long', driverError('value too long for type character varying(10)', { code: '22001', severity: 'ERROR' })],
      ['an SMTP 5xx refusal', driverError('Mailbox unavailable', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' })],
      [
        'a 500 of the API',
        Object.assign(new Error('Internal server error'), { name: 'TRPCClientError', data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } }),
      ],
      ['a CONFLICT of the API', Object.assign(new Error('conflict'), { name: 'TRPCClientError', data: { code: 'CONFLICT', httpStatus: 409 } })],
      ['no error object at all', 'a string'],
      ['undefined', undefined],
    ])('%s', (_, error) => {
      expect(dependencyFailureOf(error)).toBeNull();
    });

    it('survives a cause chain that loops', () => {
      const error = new Error('outer') as Error & { cause?: unknown };
      error.cause = error;
      expect(dependencyFailureOf(error)).toBeNull();
    });
  });
});
