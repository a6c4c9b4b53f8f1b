import { AuthUser, configWarnings, loadConfig, signToken, ttlSeconds } from '@delivery/api';
import { Role } from '@delivery/events';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';

export const tokenCommand: Command = {
  name: 'token',
  synopsis: 'token --role R --sub S [--email E] [--ttl 1h]',
  summary: 'print a bearer token; R is customer (needs --email), vendor or admin',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: { role: { type: 'string' }, sub: { type: 'string' }, email: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
      allowPositionals: false,
    });
    const role = Role.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${Role.options.join(', ')}`);
    if (!values.sub) throw new UsageError('--sub is required (the user id the token speaks for)');
    if (role.data === 'customer' && !values.email) throw new UsageError('--email is required for a customer token');
    try {
      ttlSeconds(values.ttl);
    } catch (error) {
      throw new UsageError(`--ttl: ${(error as Error).message}`);
    }
    const claims = AuthUser.safeParse({ sub: values.sub, role: role.data, email: values.email });
    if (!claims.success) throw new UsageError(claims.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));

    const config = loadConfig(env);
    if (ttlSeconds(values.ttl) > config.TOKEN_MAX_TTL) {
      throw new UsageError(`--ttl: at most ${config.TOKEN_MAX_TTL} seconds (TOKEN_MAX_TTL): the API refuses tokens that live longer`);
    }
    for (const warning of configWarnings(config)) console.error(`warning: ${warning}`);
    // The token alone on stdout, so `TOKEN=$(pnpm delivery token ...)` works (pnpm's own lines go to stderr).
    console.log(await signToken(config.AUTH_SECRET, claims.data, values.ttl));
    return 0;
  },
};
