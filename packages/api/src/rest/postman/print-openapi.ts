// Prints the OpenAPI document of /api/v1, as the server would serve it at http://127.0.0.1:3000, without
// starting one: `tsx packages/api/src/rest/postman/print-openapi.ts > openapi.json`.
import { createOpenApiDocument } from '../openapi-document';

const baseUrl = process.argv[2] ?? 'http://127.0.0.1:3000';
process.stdout.write(`${JSON.stringify(createOpenApiDocument({ baseUrl }), null, 2)}\n`);
