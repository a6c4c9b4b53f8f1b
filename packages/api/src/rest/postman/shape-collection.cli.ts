// Shapes openapi-to-postmanv2's output into the committed collection (see postman-collection.ts):
// `tsx packages/api/src/rest/postman/shape-collection.cli.ts converted.json > postman/collection.json`.
import { readFile } from 'node:fs/promises';
import { shapePostmanCollection } from './postman-collection';

const input = process.argv[2];
if (!input) {
  process.stderr.write('usage: shape-collection.cli.ts <converted-collection.json>\n');
  process.exit(2);
}
const converted: unknown = JSON.parse(await readFile(input, 'utf8'));
process.stdout.write(`${JSON.stringify(shapePostmanCollection(converted), null, 2)}\n`);
