/**
 * Engine mapping throughput: Entra's default SCIM user mapping (its first 15 attributes) compiled
 * once and applied per user with mapObject, against a hand-written function building the same
 * target object from the same SCIM resources, in the same run.
 *
 *   npm run bench:mapping            (USERS=10000, ROUNDS=5 by default)
 *
 * Before timing, every user's two objects are checked equal (canonical JSON), so both sides do the
 * same work. Results go to bench/README.md by hand.
 */
import { Bench } from 'tinybench';
import type { JsonObject } from '../src/shared/json.js';
import { compileObjectMapping } from '../src/engine/mapping/object-mapping.js';
import { entraDefaultUserMapping } from '../src/engine/mapping/entra-default-mapping.js';
import { canonicalJson } from '../src/engine/mapping/diff-target-objects.js';
import type { SourceObject } from '../src/engine/source/source-object.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MAPPINGS = entraDefaultUserMapping.mappings.slice(0, 15);

const given = ['Barbara', 'Jan', 'Søren', 'Zoë', 'Ahmed', 'Li', 'María', 'Olu'];
const family = ['Jensen', 'de Vries', 'Øster', 'Müller', 'Khan', 'Wang', 'García', 'Adeyemi'];
const cities = ['Hollywood', 'Utrecht', 'Aarhus', 'Berlin', 'Lahore', 'Shanghai', 'Sevilla', 'Lagos'];

/** Users as the directory returns them, varied enough that no branch is always taken. */
function generateUsers(count: number): SourceObject[] {
  const users: SourceObject[] = [];
  for (let i = 0; i < count; i++) {
    const g = given[i % given.length]!;
    const f = family[(i * 7) % family.length]!;
    const resource: JsonObject = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      userName: `${g}.${f}.${i}@contoso.com`.toLowerCase(),
      name: { givenName: g, familyName: f },
      displayName: `${g} ${f}`,
      active: i % 17 !== 0,
      emails:
        i % 5 === 0
          ? [{ type: 'home', value: `${i}@home.example`, primary: true }]
          : [{ type: 'work', value: `${g}.${f}@contoso.com`.toLowerCase(), primary: true }],
      addresses: [
        {
          type: 'work',
          streetAddress: `${i} Main Street`,
          locality: cities[i % cities.length]!,
          postalCode: String(10000 + (i % 89999)),
          country: ['US', 'NL', 'DK', 'DE'][i % 4]!,
        },
      ],
      phoneNumbers: i % 3 === 0 ? [] : [{ type: 'work', value: `+1 555 ${String(i).padStart(7, '0')}` }],
      [ENTERPRISE]: { department: i % 4 === 0 ? 'Sales' : 'Engineering', employeeNumber: String(700000 + i) },
    };
    if (i % 2 === 0) resource.title = 'Engineer';
    if (i % 3 !== 1) resource.preferredLanguage = 'en-US';
    users.push({ kind: 'user', resource, context: { assigned: true, inScope: i % 23 !== 0 } });
  }
  return users;
}

type Entry = Record<string, JsonObject[keyof JsonObject]>;

/** The same 15 attributes the way an engineer would write them for this one mapping. */
function handWritten(source: SourceObject): JsonObject {
  const r = source.resource as Entry;
  const name = r.name as Entry | undefined;
  const emails = (r.emails as Entry[] | undefined) ?? [];
  const addresses = (r.addresses as Entry[] | undefined) ?? [];
  const phones = (r.phoneNumbers as Entry[] | undefined) ?? [];
  const enterprise = r[ENTERPRISE] as Entry | undefined;
  const workAddress = addresses.find((a) => a.type === 'work');
  const mail =
    emails.find((e) => e.type === 'work' && e.value)?.value ?? emails.find((e) => e.primary === true)?.value;
  const softDeleted = r.active === false || !source.context.assigned || !source.context.inScope;
  const out: JsonObject = {};
  if (r.userName != null) out.userName = r.userName;
  out.active = !softDeleted;
  if (r.displayName != null) out.displayName = r.displayName;
  if (r.title != null) out.title = r.title;
  if (mail != null) out.emails = [{ type: 'work', value: mail }];
  if (r.preferredLanguage != null) out.preferredLanguage = r.preferredLanguage;
  const outName: JsonObject = {};
  if (name?.givenName != null) outName.givenName = name.givenName;
  if (name?.familyName != null) outName.familyName = name.familyName;
  if (name?.givenName != null || name?.familyName != null) out.name = outName;
  if (workAddress) {
    const entry: JsonObject = { type: 'work' };
    let any = false;
    for (const key of ['streetAddress', 'locality', 'postalCode', 'country']) {
      const value = workAddress[key];
      if (value != null) {
        entry[key] = value;
        any = true;
      }
    }
    if (any) out.addresses = [entry];
  }
  const workPhone = phones.find((p) => p.type === 'work')?.value;
  if (workPhone != null) out.phoneNumbers = [{ type: 'work', value: workPhone }];
  if (typeof r.userName === 'string') {
    const at = r.userName.indexOf('@');
    out.externalId = at < 0 ? r.userName : r.userName.slice(0, at);
  }
  if (enterprise?.department != null) out[ENTERPRISE] = { department: enterprise.department };
  return out;
}

async function main(): Promise<void> {
  const count = Number(process.env.USERS ?? 10_000);
  const users = generateUsers(count);
  const compiled = compileObjectMapping('user', { mappings: MAPPINGS });
  if (!compiled.ok) throw new Error(compiled.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  const mapping = compiled.mapping;
  const options = { operation: 'create' as const };

  let mismatches = 0;
  for (const user of users) {
    const a = canonicalJson(mapping.mapObject(user, options).target);
    const b = canonicalJson(handWritten(user));
    if (a !== b && mismatches++ < 5) console.error(`mismatch:\n  mapObject   ${a}\n  hand-written ${b}`);
  }
  if (mismatches > 0) throw new Error(`${mismatches} users map differently`);

  // Every result is kept, so neither side's objects can be optimised away as unused.
  const kept: JsonObject[] = new Array<JsonObject>(count);
  const mapTask = `mapObject: ${MAPPINGS.length} attributes x ${count} users`;
  const handTask = `hand-written: same object x ${count} users`;
  // Alternating short rounds, best round per side: a burst of load elsewhere cannot land on one side.
  const rounds = Number(process.env.ROUNDS ?? 5);
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: 600, warmup: true, warmupTime: round === 0 ? 1000 : 200 });
    bench
      .add(mapTask, () => {
        for (let i = 0; i < count; i++) kept[i] = mapping.mapObject(users[i]!, options).target;
      })
      .add(handTask, () => {
        for (let i = 0; i < count; i++) kept[i] = handWritten(users[i]!);
      });
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (!result || !('period' in result)) throw new Error(`${task.name} did not complete`);
      best.set(task.name, Math.min(best.get(task.name) ?? Number.POSITIVE_INFINITY, result.period));
    }
  }
  const mapMs = best.get(mapTask) ?? Number.NaN;
  const handMs = best.get(handTask) ?? Number.NaN;
  const perSecond = (ms: number): string => Math.round((count / ms) * 1000).toLocaleString('en-US');
  console.log(`node ${process.version}, ${rounds} alternating rounds, best round per side`);
  console.log(`${mapTask}: ${mapMs.toFixed(2)} ms per pass, ${perSecond(mapMs)} users/s`);
  console.log(`${handTask}: ${handMs.toFixed(2)} ms per pass, ${perSecond(handMs)} users/s`);
  console.log(`ratio mapObject / hand-written: ${(mapMs / handMs).toFixed(2)}x`);
  if (kept.length !== count) throw new Error('results were lost');
}

await main();
