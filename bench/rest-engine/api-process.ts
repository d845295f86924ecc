/**
 * The REST test API in a process of its own, so that the benchmark's CPU time and RSS are the
 * engine's or the baseline's and never the API's. It prints nothing; it sends `{ url }` over IPC
 * once listening, answers `GET /_stats` (objects held, requests by method since the last call),
 * and exits when its parent disconnects.
 */
import { startRestApi } from '../../test/support/rest-api/rest-api.js';

const api = await startRestApi({ token: process.env.REST_BENCH_TOKEN ?? 'rest-token', statsRoute: true });
process.on('disconnect', () => void api.close().then(() => process.exit(0)));
process.send!({ url: api.url });
