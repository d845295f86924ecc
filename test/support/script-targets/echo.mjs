// Answers with what it received: its arguments, its environment and its request (as the id of a create).
import process from 'node:process';
let input = '';
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(
  JSON.stringify({
    id: 'echo',
    attributes: { argv: process.argv.slice(2), env: process.env, request: JSON.parse(input) },
  }),
);
