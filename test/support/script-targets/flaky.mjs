// The Node example target, except that the first create (per marker file in argv[2]) answers
// `unavailable`: a retryable failure the engine must retry.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../../examples/script/accounts.mjs', import.meta.url));
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
if (request.operation === 'create' && !existsSync(process.argv[2])) {
  writeFileSync(process.argv[2], 'failed once');
  process.stdout.write(
    JSON.stringify({ error: { kind: 'unavailable', message: 'the target is restarting' } }),
  );
  process.exit(1);
}
const run = spawnSync(process.execPath, [example], { input, stdio: ['pipe', 'inherit', 'inherit'] });
process.exit(run.status ?? 1);
