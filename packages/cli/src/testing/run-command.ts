import { execFile } from 'node:child_process';

/** Variables pnpm sets for the scripts it runs: they would make npm behave as if inside this workspace. */
function withoutPackageManagerVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(npm_|NPM_|PNPM_|pnpm_)/.test(name)));
}

/**
 * Runs a command outside the workspace's package-manager settings, bounded in time; rejects with its
 * output when it fails, resolves with its stdout.
 * @example await runCommand('npm', ['install'], { cwd: app, timeoutMs: 60_000 });
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number; env?: Record<string, string> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: { ...withoutPackageManagerVariables(process.env), ...options.env },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${options.cwd}: ${error.message}\n${stdout}\n${stderr}`.trim()));
        else resolve(stdout);
      },
    );
  });
}
