import { generateUsers } from './expressions.bench.ts';
import { compileExpression } from '../src/expressions/compile-expression.js';
import { createEvaluationContext } from '../src/expressions/create-context.js';
const users = generateUsers(10000);
const ctx = createEvaluationContext({});
function time(name: string, fn: (u: any) => unknown) {
  for (let r = 0; r < 3; r++) for (const u of users) fn(u);
  const t0 = performance.now();
  for (let r = 0; r < 10; r++) for (const u of users) fn(u);
  console.log(name.padEnd(50), ((performance.now() - t0) / 10 / users.length * 1e6).toFixed(0), 'ns/user');
}
const c = (s: string) => (compileExpression(s) as any).expression;
for (let k = 0; k < 2; k++)
for (const s of ['[givenName]', 'Join(" ", [givenName], [surname])', 'IIF([employeeType]="Contractor", "External", "Internal")', 'Switch([country], "en-US", "NL", "nl-NL", "DE", "de-DE", "FR", "fr-FR")', 'Join("", Left([givenName], 1), Left([surname], 1))', 'Coalesce([city], [officeLocation], "Remote")', 'ToLower([mail])']) {
  const e = c(s); time(s.slice(0, 50), (u) => e.evaluate(u, ctx));
}
