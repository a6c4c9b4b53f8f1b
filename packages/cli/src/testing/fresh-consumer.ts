import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command';

export interface FreshConsumer {
  folder: string;
  /** Runs its `start` script with these variables; resolves with its stdout. */
  run(env: Record<string, string>, timeoutMs: number): Promise<string>;
}

const INSTALL_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 120_000;

/**
 * A copy of an example project (without its node_modules, dist or lockfile) in `folder`, depending on
 * `@delivery/sdk@<version>` by name, installed from the registry `npmrc` names, and built.
 * @example const consumer = await installFreshConsumer({ example, folder, version: '0.2.0', npmrc, packageManager: 'npm' });
 */
export async function installFreshConsumer(options: {
  example: string;
  folder: string;
  version: string;
  npmrc: string;
  packageManager: 'npm' | 'pnpm';
}): Promise<FreshConsumer> {
  const { folder, packageManager } = options;
  await cp(options.example, folder, {
    recursive: true,
    filter: (source) => !/(^|\/)(node_modules|dist|package-lock\.json|pnpm-lock\.yaml)$/.test(source),
  });
  const manifestPath = join(folder, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['@delivery/sdk'] = options.version;
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(folder, '.npmrc'), options.npmrc);

  const install = packageManager === 'npm' ? ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'] : ['install', '--prefer-offline'];
  await runCommand(packageManager, install, { cwd: folder, timeoutMs: INSTALL_TIMEOUT_MS });
  await runCommand(packageManager, ['run', 'build'], { cwd: folder, timeoutMs: BUILD_TIMEOUT_MS });
  return {
    folder,
    run: (env, timeoutMs) => runCommand('node', ['dist/main.js'], { cwd: folder, timeoutMs, env }),
  };
}
