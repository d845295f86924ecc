/**
 * Whatever a SOAP call throws, as the taxonomy: a SOAP fault by the app's fault list (first rule
 * whose code matches, most specific code first), then by the standard codes; an HTTP error without
 * a fault by its status; an answer that is not XML as `invalid_response`; an abort as `timeout`.
 * Messages and details are scrubbed of the credentials, and the package's error is never kept as
 * the cause: it holds the request, WS-Security header and all.
 */
import { errorFromResponse, type Redactor } from '../http/index.js';
import { classifyError, ConnectorError, type ConnectorErrorCode } from '../spi/index.js';
import type { SoapFaultRule } from './soap-settings.js';

/** A fault as read from the answer: its codes (most specific first) and its text. */
export interface SoapFault {
  codes: string[];
  message: string;
  detail?: string;
}

/** The fault in a thrown error of the `soap` package, if it carries one. */
export function faultOf(thrown: unknown): SoapFault | undefined {
  const fault = (thrown as { root?: { Envelope?: { Body?: { Fault?: unknown } } } } | undefined)?.root
    ?.Envelope?.Body?.Fault;
  if (typeof fault !== 'object' || fault === null) return undefined;
  const f = fault as Record<string, unknown>;
  const codes: string[] = [];
  const message = text(f.faultstring) ?? text((f.Reason as Record<string, unknown> | undefined)?.Text) ?? '';
  const code11 = text(f.faultcode);
  if (code11 !== undefined) codes.push(code11);
  // SOAP 1.2: Code { Value, Subcode { Value, Subcode ... } }; the innermost subcode is the most specific.
  const chain: string[] = [];
  let code = f.Code as Record<string, unknown> | undefined;
  while (typeof code === 'object' && code !== null) {
    const value = text(code.Value);
    if (value !== undefined) chain.push(value);
    code = code.Subcode as Record<string, unknown> | undefined;
  }
  codes.push(...chain.reverse());
  const detailValue = f.detail ?? f.Detail;
  const result: SoapFault = { codes, message };
  if (detailValue !== undefined)
    result.detail = typeof detailValue === 'string' ? detailValue : JSON.stringify(detailValue);
  return result;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && '$value' in value)
    return text((value as { $value: unknown }).$value);
  return undefined;
}

function localName(code: string): string {
  return code.slice(code.lastIndexOf(':') + 1);
}

const CREDENTIAL_FAULTS = new Set([
  'FailedAuthentication',
  'InvalidSecurity',
  'InvalidSecurityToken',
  'FailedCheck',
  'SecurityTokenUnavailable',
]);

/** The standard meaning of a fault code (SOAP 1.1 §4.4.1, SOAP 1.2 §5.4.6, WS-Security §12). */
function standardCode(code: string): ConnectorErrorCode | undefined {
  const local = localName(code);
  if (CREDENTIAL_FAULTS.has(local)) return 'invalid_credentials';
  if (local === 'Client' || local === 'Sender' || local.startsWith('Client.')) return 'schema_violation';
  if (local === 'Server' || local === 'Receiver' || local.startsWith('Server.')) return 'unavailable';
  if (local === 'VersionMismatch' || local === 'MustUnderstand' || local === 'DataEncodingUnknown') {
    return 'invalid_response';
  }
  return undefined;
}

/** The error a fault is reported as, and why. */
export function classifyFault(fault: SoapFault, rules: readonly SoapFaultRule[]): ConnectorErrorCode {
  for (const code of fault.codes) {
    for (const rule of rules) {
      const matches = rule.code === code || rule.code === localName(code);
      const says =
        rule.messageContains === undefined ||
        fault.message.toLowerCase().includes(rule.messageContains.toLowerCase());
      if (matches && says) return rule.error;
    }
  }
  for (const code of [...fault.codes].reverse()) {
    const standard = standardCode(code);
    if (standard !== undefined) return standard;
  }
  // A code of the service's own that the app's list does not name: the service refused the request.
  return 'schema_violation';
}

/** How one call failed, as a `ConnectorError`. */
export function classifySoapError(
  thrown: unknown,
  context: { operation: string; rules: readonly SoapFaultRule[]; redact: Redactor; timedOut: boolean },
): ConnectorError {
  const { operation, redact } = context;
  if (thrown instanceof ConnectorError) return thrown;
  const record = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Record<string, unknown>;
  if (
    record.name === 'CanceledError' ||
    record.code === 'ERR_CANCELED' ||
    record.name === 'AbortError' ||
    record.name === 'TimeoutError'
  ) {
    return new ConnectorError(
      'timeout',
      context.timedOut
        ? `${operation} did not answer in time (timeouts.requestMs)`
        : `${operation} was aborted`,
    );
  }
  const fault = faultOf(thrown);
  if (fault !== undefined) {
    const code = classifyFault(fault, context.rules);
    const options: { targetCode?: string; detail?: string } = {};
    if (fault.codes[0] !== undefined) options.targetCode = redact(fault.codes.join(' / '));
    if (fault.detail !== undefined) options.detail = redact(fault.detail).slice(0, 2_000);
    const said = fault.message === '' ? '' : `: ${redact(fault.message).slice(0, 500)}`;
    return new ConnectorError(
      code,
      `${operation} answered the fault ${options.targetCode ?? '(no code)'}${said}`,
      options,
    );
  }
  const response = record.response as { status?: number; headers?: Record<string, unknown> } | undefined;
  if (typeof record.Fault === 'object' && record.Fault !== null) {
    // The package's own "fault" for an answer it could not parse as XML.
    const detail = text((record.Fault as Record<string, unknown>).detail);
    return new ConnectorError('invalid_response', `${operation} answered something that is not SOAP XML`, {
      ...(detail === undefined ? {} : { detail: redact(detail).slice(0, 500) }),
      ...(typeof response?.status === 'number' ? { targetCode: response.status } : {}),
    });
  }
  if (typeof response?.status === 'number') {
    const body = typeof record.body === 'string' ? record.body : '';
    if (response.status >= 200 && response.status < 300) {
      return new ConnectorError(
        'invalid_response',
        `${operation} answered HTTP ${response.status} without a SOAP envelope`,
        { targetCode: response.status, ...(body === '' ? {} : { detail: redact(body).slice(0, 500) }) },
      );
    }
    // An HTTP error without a fault (401 from basic auth, 429 or 503 with Retry-After): the shared rules.
    return errorFromResponse(
      operation,
      { status: response.status, headers: headersOf(response.headers), body },
      redact,
    );
  }
  const classified = classifyError(thrown);
  // Rebuilt without the cause: the package's errors carry the request (and its security header).
  return new ConnectorError(classified.code, redact(`${operation}: ${classified.message}`), {
    ...(classified.targetCode === undefined ? {} : { targetCode: classified.targetCode }),
  });
}

function headersOf(headers: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') result[name.toLowerCase()] = value;
    else if (typeof value === 'number') result[name.toLowerCase()] = String(value);
  }
  return result;
}
