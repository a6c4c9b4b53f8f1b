// Builds what is stale before `pnpm start` or `pnpm delivery` run the built code: the SDK's bundle when its
// sources changed, the customer's web page (Vite) when its own or the SDK's did, the server packages (one tsup run, under a second) when theirs did. Quiet when nothing is
// stale; the build's own output goes to stderr so a command's stdout (a token, say) stays clean.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const SERVER_PACKAGES = ['events', 'projections', 'api', 'workers', 'cli'];

/** The newest modification time among the files under `dir` (tests left out: they are never built). */
function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function stale(sources, outputs) {
  const built = Math.min(...outputs.map(mtime));
  return built === 0 || Math.max(...sources) > built;
}

function run(args) {
  const result = spawnSync('pnpm', args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const pkg = (name, path) => join(root, 'packages', name, path);

if (stale([newestIn(pkg('sdk', 'src')), mtime(pkg('sdk', 'package.json')), mtime(pkg('sdk', 'tsup.config.ts'))], [pkg('sdk', 'dist/index.js')])) {
  process.stderr.write('building the SDK (its sources changed)\n');
  run(['--filter', '@delivery/sdk', 'run', 'build']);
}
const webSources = [
  newestIn(pkg('web', 'src')),
  newestIn(pkg('sdk', 'src')),
  mtime(pkg('web', 'index.html')),
  mtime(pkg('web', 'vite.config.ts')),
  mtime(pkg('web', 'package.json')),
];
if (stale(webSources, [pkg('web', 'dist/index.html')])) {
  process.stderr.write('building the web page (its sources changed)\n');
  run(['--filter', '@delivery/web', 'run', 'build']);
}
const serverSources = [
  mtime(join(root, 'tsup.config.ts')),
  ...SERVER_PACKAGES.flatMap((name) => [newestIn(pkg(name, 'src')), mtime(pkg(name, 'package.json'))]),
];
if (
  stale(serverSources, [
    pkg('cli', 'dist/main.js'),
    pkg('api', 'dist/main.js'),
    pkg('workers', 'dist/index.js'),
    pkg('events', 'dist/index.js'),
    pkg('projections', 'dist/index.js'),
  ])
) {
  process.stderr.write('building the server packages (their sources changed)\n');
  run(['exec', 'tsup', '--silent']);
}
