/** One `pnpm delivery <name> ...` command. `run` gets the arguments after the name and returns an exit code. */
export interface Command {
  name: string;
  /** One line for the usage message, starting with the command's own synopsis. */
  usage: string;
  run(args: string[], env: Record<string, string | undefined>): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
