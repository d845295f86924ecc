// Answers what argv[2] names: text that is not JSON, a JSON array, an error of an unknown kind, a create without an id.
import process from 'node:process';
const answers = {
  text: 'hello, this is not JSON',
  array: '[1,2,3]',
  badkind: '{"error":{"kind":"oops","message":"x"}}',
  noid: '{"attributes":{}}',
  huge: 'x'.repeat(2_000_000),
};
for await (const _ of process.stdin);
process.stdout.write(answers[process.argv[2]]);
