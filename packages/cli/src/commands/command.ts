/** One `pnpm delivery <name> ...` command. `run` gets the arguments after the name and returns an exit code. */
export interface Command {
  name: string;
  /** How to call it, after `pnpm delivery`: `token --role R --sub S [--email E]`. */
  synopsis: string;
  /** What it does, in one line. */
  summary: string;
  run(args: string[], env: Record<string, string | undefined>): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
