/**
 * One SOAP service as the connector calls it: the WSDL read through the `soap` package (on first
 * use and again whenever the connection is tested), the credentials attached (a WS-Security
 * username token as the package's security header, basic auth as an HTTP header on every request
 * and on the WSDL), and every call through the app's limits (the shared concurrency and rate
 * limiter) with its own timeout. A failed read of the WSDL is not kept: the next call tries again.
 */
import * as soap from 'soap';
import { errorFromResponse, RequestLimiter, type Redactor } from '../http/index.js';
import { ConnectorError } from '../spi/index.js';
import { classifySoapError } from './soap-faults.js';
import type { SoapCredentials, SoapSettings } from './soap-settings.js';
import { encodingOf, encodingStyles, envelopePrefixes, withEncodingStyle } from './soap-encoded-message.js';
import { SchemaReader, SOAP11_ENCODING, XSD_NAMESPACE, type SchemaDefinitions } from './soap-schema-types.js';
import { withXsiTypes, type DeclaredParts } from './soap-xsi-types.js';

const WSDL_SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const WSDL_SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';

/**
 * The SOAP version to speak: the setting's, or with `auto` the WSDL's: 1.2 when it binds only the
 * SOAP 1.2 binding namespace, 1.1 otherwise (a WSDL offering both is answered in 1.1, which every
 * such service takes).
 */
export function soapVersionOf(setting: SoapSettings['soapVersion'], wsdl: string): '1.1' | '1.2' {
  if (setting !== 'auto') return setting;
  return wsdl.includes(WSDL_SOAP12) && !wsdl.includes(WSDL_SOAP11) ? '1.2' : '1.1';
}

/** Whether the WSDL's bodies are all SOAP-encoded (`use="encoded"`, none literal). */
export function encodedBodies(wsdl: string): boolean {
  return /\buse\s*=\s*["']encoded["']/u.test(wsdl) && !/\buse\s*=\s*["']literal["']/u.test(wsdl);
}

type AsyncMethod = (args: unknown, options: Record<string, unknown>) => Promise<unknown[]>;

/** rpc/encoded: what typing an operation's arguments takes (soap-xsi-types.ts). */
interface EncodedOperations {
  /** Each operation's declared input parts. */
  readonly parts: Map<string, DeclaredParts>;
  /** Each operation's body `encodingStyle` as the WSDL gives it. */
  readonly encodingStyles: Map<string, string>;
  readonly schema: SchemaReader;
  readonly prefixFor: (namespace: string, preferred: string) => string;
  readonly envelopeKey: string;
}

export class SoapService {
  readonly #settings: SoapSettings;
  readonly #credentials: SoapCredentials;
  readonly #redact: Redactor;
  readonly #limiter: RequestLimiter;
  #client: Promise<soap.Client> | undefined;
  /** rpc/encoded: each operation's declared parts and encoding, to type its arguments. */
  #encoded: EncodedOperations | undefined;

  constructor(settings: SoapSettings, credentials: SoapCredentials, redact: Redactor) {
    this.#settings = settings;
    this.#credentials = credentials;
    this.#redact = redact;
    this.#limiter = new RequestLimiter({
      concurrency: settings.concurrency,
      ...(settings.rateLimitPerSecond === undefined ? {} : { ratePerSecond: settings.rateLimitPerSecond }),
    });
  }

  /** The operations the WSDL defines, by name; reads the WSDL again when `fresh`. */
  async operations(signal: AbortSignal, fresh = false): Promise<Set<string>> {
    if (fresh) this.#client = undefined;
    const client = await this.#ready(signal);
    const names = new Set<string>();
    for (const service of Object.values(client.describe() as Record<string, Record<string, object>>)) {
      for (const port of Object.values(service)) for (const name of Object.keys(port)) names.add(name);
    }
    return names;
  }

  /** Calls one operation and answers its result (the body's content, as the package reads it). */
  async call(operation: string, args: unknown, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) throw new ConnectorError('timeout', `${operation} was aborted before it was sent`);
    const client = await this.#ready(signal);
    const method = (client as unknown as Record<string, AsyncMethod | undefined>)[`${operation}Async`];
    if (typeof method !== 'function') {
      throw new ConnectorError(
        'invalid_response',
        `The WSDL at ${this.#settings.wsdlUrl} has no operation ${operation}`,
      );
    }
    let release: () => void;
    try {
      release = await this.#limiter.acquire(signal);
    } catch {
      throw new ConnectorError('timeout', `${operation} was aborted while waiting for a free connection`);
    }
    const timeout = AbortSignal.timeout(this.#settings.timeouts.requestMs);
    const encoded = this.#encoded;
    const style = encoded?.encodingStyles.get(operation) ?? SOAP11_ENCODING;
    const sent =
      encoded === undefined
        ? args
        : withXsiTypes(args, encoded.parts.get(operation), {
            schema: encoded.schema,
            encoding: encodingOf(style),
            prefixFor: encoded.prefixFor,
          });
    try {
      const [result] = await method.call(client, sent, {
        signal: AbortSignal.any([signal, timeout]),
        ...(encoded === undefined
          ? {}
          : { postProcess: (xml: string) => withEncodingStyle(xml, encoded.envelopeKey, style) }),
      });
      return result;
    } catch (error) {
      throw classifySoapError(error, {
        operation,
        rules: this.#settings.faults,
        redact: this.#redact,
        timedOut: timeout.aborted,
      });
    } finally {
      release();
    }
  }

  /** Stops the limiter; waiting calls fail. */
  close(): void {
    this.#limiter.close(new ConnectorError('unavailable', 'The connector was closed'));
  }

  #ready(signal: AbortSignal): Promise<soap.Client> {
    this.#client ??= this.#load(signal);
    const loading = this.#client;
    loading.catch(() => {
      if (this.#client === loading) this.#client = undefined;
    });
    return loading;
  }

  async #load(signal: AbortSignal): Promise<soap.Client> {
    const { wsdlUrl, endpoint, timeouts, wsSecurity } = this.#settings;
    const basic = this.#credentials.basic;
    const authorization =
      basic === undefined
        ? undefined
        : `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    const timeout = AbortSignal.timeout(timeouts.wsdlMs);
    let client: soap.Client;
    try {
      client = await soap.createClientAsync(wsdlUrl, {
        // Every test of the connection reads the WSDL again, never the package's process-wide cache.
        disableCache: true,
        ...(endpoint === undefined ? {} : { endpoint }),
        wsdl_options: { signal: AbortSignal.any([signal, timeout]) },
        ...(authorization === undefined ? {} : { wsdl_headers: { Authorization: authorization } }),
      });
    } catch (error) {
      // An HTTP error on the WSDL comes back as a plain Error naming the status in its text.
      const status = /^Invalid WSDL URL: .*Code: (\d{3})/su.exec((error as Error | undefined)?.message ?? '');
      if (status !== null) {
        throw errorFromResponse(
          `Reading the WSDL at ${wsdlUrl}`,
          { status: Number(status[1]), headers: {}, body: '' },
          this.#redact,
        );
      }
      const classified = classifySoapError(error, {
        operation: `Reading the WSDL at ${wsdlUrl}`,
        rules: [],
        redact: this.#redact,
        timedOut: timeout.aborted,
      });
      // A WSDL that is not a WSDL: the package throws a plain Error from its parser.
      if (classified.code === 'connector_failure') {
        throw new ConnectorError(
          'invalid_response',
          this.#redact(`The WSDL at ${wsdlUrl} cannot be read: ${(error as Error).message}`),
        );
      }
      throw classified;
    }
    if (soapVersionOf(this.#settings.soapVersion, client.wsdl.toXML()) === '1.2') {
      // What the package's own forceSoap12Headers option sets: the SOAP 1.2 envelope, and the
      // action in the content type instead of a SOAPAction header.
      client.wsdl.options.forceSoap12Headers = true;
    }
    if (encodedBodies(client.wsdl.toXML())) {
      const prefixFor = envelopePrefixes(client.wsdl);
      // The typed values name XML Schema types; the envelope declares their prefix.
      prefixFor(XSD_NAMESPACE, 'xsd');
      this.#encoded = {
        parts: inputParts(client),
        encodingStyles: encodingStyles(client),
        schema: new SchemaReader(client.wsdl.definitions as unknown as SchemaDefinitions),
        prefixFor,
        envelopeKey: client.wsdl.options.envelopeKey ?? 'soap',
      };
    } else this.#encoded = undefined;
    if (authorization !== undefined) client.addHttpHeader('Authorization', authorization);
    const token = this.#credentials.wsSecurity;
    if (token !== undefined) {
      client.setSecurity(
        new soap.WSSecurity(token.username, token.password, {
          passwordType: wsSecurity.passwordType,
          hasTimeStamp: wsSecurity.timestamp,
        }),
      );
    }
    return client;
  }
}

/** Each operation's input parts as the package describes them (the first port binding it wins). */
function inputParts(client: soap.Client): Map<string, DeclaredParts> {
  const parts = new Map<string, DeclaredParts>();
  const services = client.describe() as Record<string, Record<string, Record<string, { input?: unknown }>>>;
  for (const service of Object.values(services))
    for (const port of Object.values(service))
      for (const [name, operation] of Object.entries(port)) {
        if (!parts.has(name) && typeof operation.input === 'object' && operation.input !== null)
          parts.set(name, operation.input as DeclaredParts);
      }
  return parts;
}
