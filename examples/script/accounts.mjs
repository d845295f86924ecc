#!/usr/bin/env node
// A script target for Provisio's `script` connector: keeps accounts in accounts.json under
// $SCRIPT_DATA_DIR. Reads one JSON request on stdin, writes one JSON answer on stdout
// (docs/connectors/script.md). Several copies may run at once, so the file is changed under a
// lock directory and replaced by a rename. A group keeps its members as a sorted list of user ids,
// changed by addMembers and removeMembers (`members: [{ "id": "..." }]`).
import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = process.env.SCRIPT_DATA_DIR;
if (!dataDir) fail('unavailable', 'SCRIPT_DATA_DIR is not set', 3);
const file = join(dataDir, 'accounts.json');
const lock = join(dataDir, 'accounts.lock');

function fail(kind, message, exitCode = 1) {
  process.stdout.write(JSON.stringify({ error: { kind, message } }));
  process.exit(exitCode);
}

// Thrown while the lock is held, answered once it is released (process.exit skips `finally`).
class Refusal extends Error {
  constructor(kind, message, exitCode = 1) {
    super(message);
    Object.assign(this, { kind, exitCode });
  }
}

function withLock(work) {
  mkdirSync(dataDir, { recursive: true });
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() > until) fail('unavailable', 'accounts.json is locked by another run', 1);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  let answer;
  try {
    let db = { nextId: 1, objects: { User: {}, Group: {} } };
    try {
      db = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    answer = work(db);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(db, null, 2));
    renameSync(temporary, file);
  } catch (error) {
    rmdirSync(lock);
    if (!(error instanceof Refusal)) throw error;
    fail(error.kind, error.message, error.exitCode);
  }
  rmdirSync(lock);
  return answer;
}

const same = (a, b) =>
  typeof a === 'string' && typeof b === 'string'
    ? a.toLowerCase() === b.toLowerCase()
    : JSON.stringify(a) === JSON.stringify(b);
const unique = { User: 'userName', Group: 'displayName' };

let input = '';
for await (const chunk of process.stdin) input += chunk;
let request;
try {
  request = JSON.parse(input);
} catch {
  fail('connector_failure', 'the request on stdin is not JSON', 1);
}
if (request.credentials?.apiKey !== undefined && request.credentials.apiKey !== process.env.SCRIPT_API_KEY) {
  fail('invalid_credentials', 'the API key is wrong', 1);
}

const answer = withLock((db) => {
  const objects = request.objectType ? db.objects[request.objectType] : undefined;
  const existing = () => {
    const object = objects[request.id];
    if (!object) throw new Refusal('not_found', `no ${request.objectType} ${request.id}`);
    return object;
  };
  switch (request.operation) {
    case 'test':
      return {};
    case 'create': {
      const key = unique[request.objectType];
      const value = request.attributes[key];
      if (Object.values(objects).some((o) => same(o.attributes[key], value))) {
        throw new Refusal('already_exists', `${key} ${value} is taken`);
      }
      const id = String(db.nextId++);
      const attributes = Object.fromEntries(Object.entries(request.attributes).filter(([, v]) => v !== null));
      objects[id] = { id, enabled: request.enabled ?? true, attributes };
      if (request.objectType === 'Group') objects[id].members = [];
      return objects[id];
    }
    case 'get':
      return existing();
    case 'find':
      return {
        objects: Object.values(objects).filter((o) => same(o.attributes[request.attribute], request.value)),
      };
    case 'list': {
      const all = Object.values(objects);
      const start = Number(request.cursor ?? 0);
      const end = start + request.pageSize;
      return { objects: all.slice(start, end), ...(end < all.length ? { nextCursor: String(end) } : {}) };
    }
    case 'update': {
      const object = existing();
      for (const change of request.changes) {
        if (change.newValue === null) delete object.attributes[change.attribute];
        else object.attributes[change.attribute] = change.newValue;
      }
      return {};
    }
    case 'setEnabled':
      existing().enabled = request.enabled;
      return {};
    case 'delete':
      existing();
      delete objects[request.id];
      // A deleted user is no member of anything.
      if (request.objectType === 'User') {
        for (const group of Object.values(db.objects.Group)) {
          group.members = (group.members ?? []).filter((id) => id !== request.id);
        }
      }
      return {};
    case 'addMembers': {
      const group = existing();
      const members = new Set(group.members ?? []);
      for (const { id } of request.members) {
        if (!db.objects.User[id])
          throw new Refusal('not_found', `no User ${id} to add to group ${request.id}`);
        members.add(id);
      }
      group.members = [...members].sort();
      return {};
    }
    case 'removeMembers': {
      // Removing a user who is not a member (or no longer exists) is done already.
      const group = existing();
      const removed = new Set(request.members.map((member) => member.id));
      group.members = (group.members ?? []).filter((id) => !removed.has(id));
      return {};
    }
    default:
      throw new Refusal('schema_violation', `unknown operation ${request.operation}`, 2);
  }
});
process.stdout.write(JSON.stringify(answer));
