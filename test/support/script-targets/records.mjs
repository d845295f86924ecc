// Appends each request (one JSON line) to $RECORD_FILE; a get answers a group holding members.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
appendFileSync(process.env.RECORD_FILE, `${JSON.stringify(request)}\n`);
const answer =
  request.operation === 'get'
    ? { id: request.id, attributes: { displayName: 'Ops' }, members: ['u1', 'u2'] }
    : {};
process.stdout.write(JSON.stringify(answer));
