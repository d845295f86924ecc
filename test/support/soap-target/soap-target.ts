/**
 * A SOAP directory service for the SOAP connector's tests: the `soap` package's own server on a
 * real HTTP server on 127.0.0.1, serving `directory-service.wsdl` (users and groups) from an
 * in-memory store. It can require a WS-Security username token and / or HTTP basic auth, and fail
 * on purpose: a Server fault, a Client fault with a code, an answer that never comes, or one that
 * is not SOAP at all. It speaks document/literal over SOAP 1.1 (the default) or SOAP 1.2,
 * rpc/encoded over SOAP 1.1 (SOAP 1.1 encoding) or SOAP 1.2 (SOAP 1.2 encoding), or rpc/literal
 * over SOAP 1.1, the WSDL and the faults following.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import * as soap from 'soap';

const WSDL_TEMPLATE = readFileSync(new URL('./directory-service.wsdl', import.meta.url), 'utf8');

export interface StoredUser {
  id: string;
  userName: string;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  department?: string;
  active: boolean;
}

export interface StoredGroup {
  id: string;
  displayName: string;
  description?: string;
  memberIds: string[];
  active: boolean;
}

/** A failure to inject into the next call(s) of an operation. */
export type InjectedFault =
  | { kind: 'server'; message?: string }
  | { kind: 'client'; code: string; message?: string }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  /** Answers normally, this much later. */
  | { kind: 'delay'; ms: number };

export interface SoapTargetOptions {
  /** Require a WS-Security UsernameToken with this user and (plain text) password. */
  wsSecurity?: { username: string; password: string };
  /** Require HTTP basic auth with this user and password (for the WSDL too). */
  basic?: { username: string; password: string };
  /** Largest page a list answers, whatever pageSize asks. */
  maxPageSize?: number;
  /**
   * The binding the service speaks: `soap11` (document/literal over SOAP 1.1, the default),
   * `soap12` (document/literal over SOAP 1.2: its envelope, the action in the content type, faults
   * as Code / Subcode / Reason), `rpc` (rpc/encoded over SOAP 1.1: each argument a part of the
   * message, SOAP 1.1 encoding, every value typed with xsi:type, the member ids a typed array),
   * `rpc12` (the same over SOAP 1.2 with SOAP 1.2 encoding, arrays sized by `itemType` and
   * `arraySize`) or `rpcLiteral` (the same rpc messages over SOAP 1.1, literal: no encoding, no
   * types).
   */
  protocol?: SoapProtocol;
}

export type SoapProtocol = 'soap11' | 'soap12' | 'rpc' | 'rpc12' | 'rpcLiteral';

export interface SoapTarget {
  /** Where the WSDL is served: `http://127.0.0.1:<port>/directory?wsdl`. */
  readonly wsdlUrl: string;
  readonly users: Map<string, StoredUser>;
  readonly groups: Map<string, StoredGroup>;
  /** Calls received per operation (those failed on purpose included). */
  readonly calls: Map<string, number>;
  /** The raw bodies of the last requests, newest last (for checks on what was sent). */
  readonly requests: string[];
  /** The most calls the service was answering at once. */
  readonly maxInFlight: () => number;
  /** Makes the next `times` calls of `operation` fail this way. */
  failNext(operation: string, fault: InjectedFault, times?: number): void;
  close(): Promise<void>;
}

const SOAP_PATH = '/directory';

export async function startSoapTarget(options: SoapTargetOptions = {}): Promise<SoapTarget> {
  const users = new Map<string, StoredUser>();
  const groups = new Map<string, StoredGroup>();
  const calls = new Map<string, number>();
  const requests: string[] = [];
  const faults = new Map<string, InjectedFault[]>();
  const sockets = new Set<Socket>();
  let nextId = 1;
  let inFlight = 0;
  let maxInFlight = 0;

  const protocol = options.protocol ?? 'soap11';
  // A fault in the binding's own form: SOAP 1.1 faultcode / faultstring, or SOAP 1.2's Code with
  // the service's code as its Subcode (SOAP 1.2 part 1 §5.4) and Reason.
  const fault = (standard: 'Client' | 'Server', code: string | undefined, message: string) =>
    protocol === 'soap12' || protocol === 'rpc12'
      ? {
          Fault: {
            Code: {
              Value: standard === 'Client' ? 'soap:Sender' : 'soap:Receiver',
              ...(code === undefined ? {} : { Subcode: { Value: code } }),
            },
            Reason: { Text: message },
            statusCode: 500,
          },
        }
      : { Fault: { faultcode: code ?? `soap:${standard}`, faultstring: message, statusCode: 500 } };
  const clientFault = (code: string, message: string) => fault('Client', `tns:${code}`, message);
  const noSuch = (kind: string, id: string) => clientFault('NoSuchObject', `No ${kind} with id ${id}`);

  // Services of the soap package get (args, callback, headers, req); a thrown `{ Fault }` is sent as one.
  const guard =
    (name: string, body: (args: Record<string, unknown>) => unknown) =>
    (args: Record<string, unknown>, _callback: unknown, headers: Record<string, unknown> | undefined) => {
      if (!wsSecurityHolds(options.wsSecurity, headers)) {
        throw fault(
          'Client',
          'wsse:FailedAuthentication',
          'The security token could not be authenticated or authorized',
        );
      }
      const injected = takeFault(faults, name);
      if (injected?.kind === 'server') throw fault('Server', undefined, injected.message ?? 'Busy');
      if (injected?.kind === 'client') throw clientFault(injected.code, injected.message ?? injected.code);
      // The operation element's own attributes (its encodingStyle) are no argument.
      const { attributes: _own, ...given } = args ?? {};
      return body(encoded ? decodeTyped(given, name) : given);
    };
  const encoded = protocol === 'rpc' || protocol === 'rpc12';
  // rpc/encoded: every value carries its xsi:type, as a SOAP-encoding service (Axis 1, PHP's
  // SoapServer) needs to read it; an untyped value is refused, a typed one read as its type. An
  // array says its items' type and count: SOAP 1.1 §5.4.2 `soapenc:arrayType="xsd:string[2]"` on
  // an `xsi:type="soapenc:Array"` accessor, SOAP 1.2 part 2 §3.1.4 `enc:itemType` and
  // `enc:arraySize`. A value of the WSDL's AttributeName is one of its enumeration.
  const decodeTyped = (value: unknown, where: string): Record<string, unknown> => {
    const decode = (node: unknown, path: string): unknown => {
      if (Array.isArray(node)) return node.map((item, i) => decode(item, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) {
        throw clientFault('UntypedValue', `${path} has no xsi:type (rpc/encoded needs one on every value)`);
      }
      const record = node as { attributes?: Record<string, unknown>; $value?: unknown };
      const attributes = record.attributes ?? {};
      const named = (local: string) =>
        Object.entries(attributes).find(([key]) => key.endsWith(`:${local}`))?.[1];
      const type = attributes['xsi:type'];
      const sized = protocol === 'rpc12' ? named('arraySize') : named('arrayType');
      if (sized !== undefined || String(type).endsWith(':Array')) return decodeArray(node, path);
      if (type === undefined)
        return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, decode(v, `${path}.${k}`)]));
      const text = String(record.$value ?? '');
      if (type === 'xsd:string') return text;
      if (type === 'xsd:int' && /^-?\d+$/u.test(text)) return Number(text);
      if (type === 'xsd:boolean' && /^(true|false|1|0)$/u.test(text)) return text === 'true' || text === '1';
      if (type === 'tns:AttributeName' && ATTRIBUTE_NAMES.includes(text)) return text;
      throw clientFault('InvalidValue', `${path}: '${text}' is not a valid ${String(type)}`);
    };
    const decodeArray = (node: object, path: string): unknown => {
      const { attributes = {}, ...content } = node as { attributes?: Record<string, unknown> };
      const named = (local: string) =>
        Object.entries(attributes).find(([key]) => key.endsWith(`:${local}`))?.[1];
      const items = Object.values(content).flatMap((v) => (Array.isArray(v) ? v : [v]));
      const [itemType, size] =
        protocol === 'rpc12'
          ? [String(named('itemType')), String(named('arraySize'))]
          : (/^([\w.-]+:[\w.-]+)\[(\d+)\]$/u.exec(String(named('arrayType'))) ?? []).slice(1);
      if (protocol === 'rpc' && attributes['xsi:type'] !== 'soapenc:Array')
        throw clientFault('InvalidValue', `${path} is an array without xsi:type="soapenc:Array"`);
      if (itemType !== 'xsd:string' || Number(size) !== items.length) {
        throw clientFault(
          'InvalidValue',
          `${path}: an array of ${items.length} needs its item type and size, not ${JSON.stringify(attributes)}`,
        );
      }
      return items.map((item, i) => decode(item, `${path}[${i}]`));
    };
    // The parts the WSDL types as ArrayOfString are arrays, never bare accessors of items.
    const args = value as Record<string, unknown>;
    for (const part of ['memberId']) {
      const attributes = (args[part] as { attributes?: Record<string, unknown> } | undefined)?.attributes;
      if (part in args && !Object.keys(attributes ?? {}).some((key) => /:(arrayType|arraySize)$/u.test(key)))
        throw clientFault(
          'InvalidValue',
          `${where}.${part} is an ArrayOfString without its item type and size`,
        );
    }
    return decode(value, where) as Record<string, unknown>;
  };

  const userFields = ['userName', 'displayName', 'givenName', 'familyName', 'email', 'department'] as const;
  const userOut = (user: StoredUser) => ({ ...user });
  const groupOut = (group: StoredGroup) => ({
    id: group.id,
    displayName: group.displayName,
    ...(group.description === undefined ? {} : { description: group.description }),
    memberId: [...group.memberIds],
    active: group.active,
  });
  const user = (id: unknown) => {
    const found = users.get(String(id));
    if (found === undefined) throw noSuch('user', String(id));
    return found;
  };
  const group = (id: unknown) => {
    const found = groups.get(String(id));
    if (found === undefined) throw noSuch('group', String(id));
    return found;
  };
  const same = (a: unknown, b: unknown) =>
    a !== undefined && b !== undefined && String(a).toLowerCase() === String(b).toLowerCase();
  const page = <T>(items: T[], args: Record<string, unknown>) => {
    const size = Math.min(Number(args.pageSize) || 100, options.maxPageSize ?? 1000);
    const start = args.cursor === undefined ? 0 : Number(args.cursor);
    const end = start + size;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  };
  // rpc/encoded sends a list argument as an array accessor holding its items (`<memberId><memberId>
  // a</memberId>...</memberId>`), read here as the items.
  const asList = (value: unknown): string[] => {
    if (value === undefined) return [];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const items = Object.values(value as Record<string, unknown>);
      return items.length === 1 ? asList(items[0]) : [];
    }
    return (Array.isArray(value) ? value : [value]).map(String);
  };
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

  const operations = {
    CreateUser: ({ user: input }: Record<string, unknown>) => {
      const fields = input as Record<string, unknown>;
      const userName = text(fields.userName);
      if (userName === undefined || userName === '')
        throw clientFault('InvalidValue', 'userName is required');
      if ([...users.values()].some((u) => same(u.userName, userName))) {
        throw clientFault('UserExists', `A user named ${userName} exists`);
      }
      const created: StoredUser = {
        id: `U-${nextId++}`,
        userName,
        active: fields.active !== false && fields.active !== 'false',
      };
      for (const field of userFields) {
        const value = text(fields[field]);
        if (value !== undefined && value !== '') created[field] = value;
      }
      users.set(created.id, created);
      return { user: userOut(created) };
    },
    GetUser: ({ id }: Record<string, unknown>) => {
      const found = users.get(String(id));
      return found === undefined ? {} : { user: userOut(found) };
    },
    FindUsers: ({ attribute, value }: Record<string, unknown>) => ({
      user: [...users.values()]
        .filter((u) => same((u as unknown as Record<string, unknown>)[String(attribute)], value))
        .map(userOut),
    }),
    ListUsers: (args: Record<string, unknown>) => {
      const { items, next } = page([...users.values()], args);
      return { user: items.map(userOut), ...(next === undefined ? {} : { nextCursor: next }) };
    },
    UpdateUser: ({ id, user: input }: Record<string, unknown>) => {
      const found = user(id);
      const fields = (input ?? {}) as Record<string, unknown>;
      for (const field of userFields) {
        if (!(field in fields)) continue;
        const value = text(fields[field]);
        if (field === 'userName') {
          if (value === undefined || value === '') throw clientFault('InvalidValue', 'userName is required');
          found.userName = value;
        } else if (value === undefined || value === '') delete found[field];
        else found[field] = value;
      }
      return { user: userOut(found) };
    },
    DeleteUser: ({ id }: Record<string, unknown>) => {
      user(id);
      users.delete(String(id));
      for (const g of groups.values()) g.memberIds = g.memberIds.filter((member) => member !== String(id));
      return { deleted: true };
    },
    SetUserActive: ({ id, active }: Record<string, unknown>) => {
      const found = user(id);
      found.active = active === true || active === 'true';
      return { user: userOut(found) };
    },
    CreateGroup: ({ group: input }: Record<string, unknown>) => {
      const fields = input as Record<string, unknown>;
      const displayName = text(fields.displayName);
      if (displayName === undefined || displayName === '')
        throw clientFault('InvalidValue', 'displayName is required');
      if ([...groups.values()].some((g) => same(g.displayName, displayName))) {
        throw clientFault('GroupExists', `A group named ${displayName} exists`);
      }
      const created: StoredGroup = {
        id: `G-${nextId++}`,
        displayName,
        memberIds: [],
        active: fields.active !== false && fields.active !== 'false',
      };
      const description = text(fields.description);
      if (description !== undefined && description !== '') created.description = description;
      groups.set(created.id, created);
      return { group: groupOut(created) };
    },
    GetGroup: ({ id }: Record<string, unknown>) => {
      const found = groups.get(String(id));
      return found === undefined ? {} : { group: groupOut(found) };
    },
    FindGroups: ({ attribute, value }: Record<string, unknown>) => ({
      group: [...groups.values()]
        .filter((g) => same((g as unknown as Record<string, unknown>)[String(attribute)], value))
        .map(groupOut),
    }),
    ListGroups: (args: Record<string, unknown>) => {
      const { items, next } = page([...groups.values()], args);
      return { group: items.map(groupOut), ...(next === undefined ? {} : { nextCursor: next }) };
    },
    UpdateGroup: ({ id, group: input }: Record<string, unknown>) => {
      const found = group(id);
      const fields = (input ?? {}) as Record<string, unknown>;
      if ('displayName' in fields) {
        const value = text(fields.displayName);
        if (value === undefined || value === '') throw clientFault('InvalidValue', 'displayName is required');
        found.displayName = value;
      }
      if ('description' in fields) {
        const value = text(fields.description);
        if (value === undefined || value === '') delete found.description;
        else found.description = value;
      }
      return { group: groupOut(found) };
    },
    SetGroupActive: ({ id, active }: Record<string, unknown>) => {
      const found = group(id);
      found.active = active === true || active === 'true';
      return { group: groupOut(found) };
    },
    DeleteGroup: ({ id }: Record<string, unknown>) => {
      group(id);
      groups.delete(String(id));
      return { deleted: true };
    },
    AddMembers: ({ groupId, memberId }: Record<string, unknown>) => {
      const found = group(groupId);
      for (const member of asList(memberId)) {
        if (!users.has(member) && !groups.has(member)) throw noSuch('member', member);
        if (!found.memberIds.includes(member)) found.memberIds.push(member);
      }
      return { group: groupOut(found) };
    },
    RemoveMembers: ({ groupId, memberId }: Record<string, unknown>) => {
      const found = group(groupId);
      const gone = new Set(asList(memberId));
      found.memberIds = found.memberIds.filter((member) => !gone.has(member));
      return { group: groupOut(found) };
    },
  };
  const port: Record<string, unknown> = {};
  for (const [name, body] of Object.entries(operations)) port[name] = guard(name, body);

  // The soap package's server answers on this (never listening) server; the real one below decides
  // first whether to answer at all, so hangs and broken answers are sent from outside the package.
  const soapSide = createServer();
  const http: Server = createServer((req, res) => {
    if (!basicAuthorized(options.basic, req)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="directory"' }).end('unauthorized');
      return;
    }
    if (req.method !== 'POST') {
      soapSide.emit('request', req, res);
      return;
    }
    const operation = soapActionOperation(req);
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(Buffer.concat(chunks).toString('utf8'));
      if (requests.length > 50) requests.shift();
      const queued = faults.get(operation)?.[0];
      if (queued?.kind === 'hang') {
        takeFault(faults, operation);
        return; // no answer, ever; close() destroys the socket
      }
      if (queued?.kind === 'malformed') {
        takeFault(faults, operation);
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<soap:Envelope><soap:Body><unclosed>');
        return;
      }
      const answer = () => {
        // The soap package reads the body itself: hand it a request that replays what was read.
        soapSide.emit('request', replay(req, Buffer.concat(chunks)), res);
      };
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      if (queued?.kind === 'delay') {
        takeFault(faults, operation);
        setTimeout(answer, queued.ms);
      } else answer();
    });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(http.address() as AddressInfo).port}${SOAP_PATH}`;
  const xml = directoryWsdl(protocol).replace('{{ADDRESS}}', address);
  soap.listen(soapSide, {
    path: SOAP_PATH,
    services: { DirectoryService: { DirectoryPort: port } } as soap.IServices,
    xml,
    suppressStack: true,
    ...(protocol === 'soap12' || protocol === 'rpc12' ? { forceSoap12Headers: true } : {}),
  });

  return {
    wsdlUrl: `${address}?wsdl`,
    users,
    groups,
    calls,
    requests,
    maxInFlight: () => maxInFlight,
    failNext(operation, fault, times = 1) {
      const queue = faults.get(operation) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(operation, queue);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function takeFault(faults: Map<string, InjectedFault[]>, operation: string): InjectedFault | undefined {
  return faults.get(operation)?.shift();
}

/**
 * The operation a request names: in its SOAPAction header (SOAP 1.1) or the content type's
 * `action` parameter (SOAP 1.2), `urn:...:directory/CreateUser`.
 */
function soapActionOperation(req: IncomingMessage): string {
  const fromType = /;\s*action="?([^";]+)"?/u.exec(String(req.headers['content-type'] ?? ''))?.[1];
  const action = (fromType ?? String(req.headers.soapaction ?? '')).replace(/"/g, '');
  return action.slice(action.lastIndexOf('/') + 1);
}

const SOAP11_BINDING_NS = 'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"';
const SOAP12_BINDING_NS = 'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap12/"';
const SOAP_ENCODING = 'http://schemas.xmlsoap.org/soap/encoding/';
const SOAP12_ENCODING = 'http://www.w3.org/2003/05/soap-encoding';
/** The values of the WSDL's AttributeName enumeration. */
const ATTRIBUTE_NAMES = [
  'id',
  'userName',
  'displayName',
  'givenName',
  'familyName',
  'email',
  'department',
  'description',
];

/**
 * The service's WSDL for a binding. SOAP 1.2 is the same WSDL with the `soap` prefix bound to the
 * SOAP 1.2 binding namespace. rpc is worked out from the document/literal one: each message's
 * parts are the children of its wrapper element (the part typed as the child is), the binding's
 * style is rpc and every body is encoded (or, for rpc/literal, literal) in the target namespace.
 * Encoded, a repeated string (the member ids) is one part of the SOAP-encoded ArrayOfString.
 */
function directoryWsdl(protocol: SoapProtocol): string {
  if (protocol === 'soap11') return WSDL_TEMPLATE;
  if (protocol === 'soap12') return WSDL_TEMPLATE.replace(SOAP11_BINDING_NS, SOAP12_BINDING_NS);
  const encoded = protocol !== 'rpcLiteral';
  const children = new Map<string, string[]>();
  const wrapper =
    /<xsd:element name="(\w+)">\s*<xsd:complexType>\s*<xsd:sequence>([\s\S]*?)<\/xsd:sequence>/gu;
  for (const [, name, sequence] of WSDL_TEMPLATE.matchAll(wrapper)) {
    const elements = /<xsd:element name="(\w+)" type="([\w:]+)"[^>]*maxOccurs="(\w+)"/gu;
    const parts = [...sequence!.matchAll(elements)].map(([, part, type, max]) => {
      const array = encoded && type === 'xsd:string' && max === 'unbounded';
      return `<wsdl:part name="${part}" type="${array ? 'tns:ArrayOfString' : type}"/>`;
    });
    children.set(name!, parts);
  }
  const body = {
    rpc: `<soap:body use="encoded" namespace="urn:provisio:test:directory" encodingStyle="${SOAP_ENCODING}"/>`,
    rpc12: `<soap:body use="encoded" namespace="urn:provisio:test:directory" encodingStyle="${SOAP12_ENCODING}"/>`,
    rpcLiteral: '<soap:body use="literal" namespace="urn:provisio:test:directory"/>',
  }[protocol];
  const rpc = WSDL_TEMPLATE.replace(
    /<wsdl:part name="parameters" element="tns:(\w+)"\/>/gu,
    (_, element: string) => (children.get(element) ?? []).join(''),
  )
    .replace('<soap:binding style="document"', '<soap:binding style="rpc"')
    .replaceAll('<soap:body use="literal"/>', body);
  return protocol === 'rpc12' ? rpc.replace(SOAP11_BINDING_NS, SOAP12_BINDING_NS) : rpc;
}

function basicAuthorized(basic: SoapTargetOptions['basic'], req: IncomingMessage): boolean {
  if (basic === undefined) return true;
  const expected = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

/** Whether the WS-Security UsernameToken the soap package parsed into the SOAP headers is the one required. */
function wsSecurityHolds(
  expected: SoapTargetOptions['wsSecurity'],
  headers: Record<string, unknown> | undefined,
): boolean {
  if (expected === undefined) return true;
  const token = (headers?.Security as Record<string, Record<string, unknown>> | undefined)?.UsernameToken;
  const password = token?.Password as
    { $value?: unknown; attributes?: { Type?: string } } | string | undefined;
  const sent = typeof password === 'object' ? password.$value : password;
  const digest =
    typeof password === 'object' && String(password.attributes?.Type).endsWith('#PasswordDigest');
  // PasswordDigest (UsernameToken Profile 1.0 §3.1): Base64(SHA-1(nonce bytes + created + password)).
  const valueOf = (v: unknown) =>
    String(typeof v === 'object' && v !== null ? (v as { $value: unknown }).$value : v);
  const wanted = digest
    ? createHash('sha1')
        .update(
          Buffer.concat([
            Buffer.from(valueOf(token?.Nonce), 'base64'),
            Buffer.from(valueOf(token?.Created)),
            Buffer.from(expected.password),
          ]),
        )
        .digest('base64')
    : expected.password;
  return token?.Username === expected.username && sent === wanted;
}

/** A stand-in for a request whose body was already read: the same headers, the body again. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as unknown as IncomingMessage;
  Object.assign(copy, { headers: req.headers, method: req.method, url: req.url, socket: req.socket });
  Object.defineProperty(copy, 'connection', { value: req.socket });
  return copy;
}
