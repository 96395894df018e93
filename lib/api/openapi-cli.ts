/** Prints the OpenAPI document: `npx tsx lib/api/openapi-cli.ts > docs/openapi.json`. */
import { API_ROUTES } from './app.ts';
import { buildOpenApiDocument } from './openapi.ts';

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(API_ROUTES), null, 2)}\n`);
