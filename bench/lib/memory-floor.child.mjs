// Child of `measureMemoryFloor`: imports the modules named in argv[2] (JSON: [{ spec, from }], each resolved
// from the package.json `from`), then prints one JSON line with this process's resident size. Plain
// JavaScript, so the same file runs under plain node and under `node --import tsx`.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const modules = JSON.parse(process.argv[2] ?? '[]');
for (const { spec, from } of modules) {
  const resolved = createRequire(from).resolve(spec);
  await import(pathToFileURL(resolved).href);
}
await new Promise((resolve) => setTimeout(resolve, 200));
process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed })}\n`);
process.exit(0);
