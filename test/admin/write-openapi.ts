/** Writes docs/admin-api.openapi.json (`npm run docs:openapi`) after a change to the admin API. */
import { writeFileSync } from 'node:fs';
import { adminOpenApiText, OPENAPI_DOCUMENT_PATH } from './support-openapi.js';

writeFileSync(OPENAPI_DOCUMENT_PATH, await adminOpenApiText());
console.log(`wrote ${OPENAPI_DOCUMENT_PATH}`);
