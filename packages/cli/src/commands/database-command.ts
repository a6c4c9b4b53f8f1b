import { type ApiConfig, loadConfig } from '@delivery/api';
import { parseArgs } from 'node:util';
import type { Command } from './command';

/**
 * A command that takes no arguments and works on the databases the configuration names (`migrate`,
 * `seed-menu`): `work` gets the parsed configuration and returns the exit code.
 */
export function databaseCommand(name: string, summary: string, work: (config: ApiConfig) => Promise<number>): Command {
  return {
    name,
    synopsis: name,
    summary,
    async run(args, env) {
      parseArgs({ args, options: {}, allowPositionals: false });
      return work(loadConfig(env));
    },
  };
}
