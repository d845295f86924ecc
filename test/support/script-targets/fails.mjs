// Writes to stderr (echoing the credential it got on stdin) and exits with the code in argv[2].
import process from 'node:process';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
process.stderr.write(`boom: cannot log in with password ${request.credentials?.password}\n`);
process.exit(Number(process.argv[2] ?? 1));
