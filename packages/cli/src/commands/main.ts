// `pnpm delivery <command> ...`: the operators' CLI. Output goes to the console on purpose.
import { ConfigError, loadEnvironment } from '@delivery/events';
import { UsageError, type Command } from './command';
import { startCommand } from './start.command';

/**
 * Every command, loaded on demand: `start <name>` (what every process of the system runs as) loads only its
 * own command, so the process holds only what it serves.
 */
async function loadCommands(): Promise<readonly Command[]> {
  return (await import('./index')).commands;
}

function usage(commands: readonly Command[]): string {
  const lines = commands.flatMap((command) => [`  ${command.synopsis}`, `      ${command.summary}`]);
  return ['usage: pnpm delivery <command> [options]', '', 'commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage(await loadCommands()));
    return name ? 0 : 2;
  }
  const command = name === startCommand.name ? startCommand : (await loadCommands()).find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage(await loadCommands())}`);
    return 2;
  }
  try {
    // Every command checks the whole environment first: a bad variable is named before anything runs.
    loadEnvironment(process.env);
    return await command.run(args, process.env);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`${name}: ${(error as Error).message}\n\nusage: pnpm delivery ${command.synopsis}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.cause) console.error(`  cause: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`);
    return 1;
  }
}

/** node:util parseArgs reports unknown or malformed options with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

const exitCode = await main(process.argv.slice(2));
// `start` keeps the process alive (a server); every other command ends here.
if (process.argv[2] !== 'start' || exitCode !== 0) process.exit(exitCode);
