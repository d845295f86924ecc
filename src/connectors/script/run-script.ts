/**
 * Running the script once: spawned without a shell (arguments are a list), the request as JSON on
 * stdin, the answer read from stdout, stderr kept up to a bound. A timeout or an abort sends
 * SIGTERM, then SIGKILL. Secrets (the credentials) are replaced by `***` in everything kept.
 */
import { spawn } from 'node:child_process';
import { ConnectorError, isConnectorErrorCode, type ConnectorErrorCode } from '../spi/index.js';
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject, type JsonObject } from '../../shared/json.js';

export interface RunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs: number;
  maxStderrBytes: number;
  maxStdoutBytes: number;
  exitCodes: Record<string, ConnectorErrorCode>;
  secrets: readonly string[];
}

/** Runs the script with `request` on stdin and returns its JSON answer (an object), or throws a `ConnectorError`. */
export async function runScript(
  options: RunOptions,
  request: JsonObject,
  signal: AbortSignal,
): Promise<JsonObject> {
  if (signal.aborted)
    throw new ConnectorError('timeout', 'The operation was aborted before the script started');
  const operation = String(request.operation);
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stdoutOverflow = false;
  let stderr = '';
  let stderrBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > options.maxStdoutBytes) {
      stdoutOverflow = true;
      child.kill('SIGKILL');
    } else stdout.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderrBytes < options.maxStderrBytes)
      stderr += chunk.subarray(0, options.maxStderrBytes - stderrBytes).toString('utf8');
    stderrBytes += chunk.length;
  });
  // A script that exits without reading stdin closes the pipe: not an error of ours.
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(request));

  let stopped: 'timeout' | 'abort' | undefined;
  const stop = (why: 'timeout' | 'abort') => {
    if (stopped !== undefined) return;
    stopped = why;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), options.killGraceMs).unref();
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('abort');
  signal.addEventListener('abort', onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, killSignal) => resolve({ code, signal: killSignal }));
    },
  );
  clearTimeout(timer);
  signal.removeEventListener('abort', onAbort);

  const redact = (text: string) => redactSecrets(text, options.secrets);
  const kept = stderrBytes > options.maxStderrBytes ? `${stderr}... (${stderrBytes} bytes in all)` : stderr;
  const detail = kept.trim() === '' ? undefined : redact(kept.trim());
  const withDetail = detail === undefined ? {} : { detail };
  // The provisioning log keeps the message, so what the script said on stderr goes in it too.
  const said = detail === undefined ? '' : `; stderr: ${detail}`;
  const what = `The script (${operation})`;

  if (exit.error !== undefined) {
    const code = (exit.error as NodeJS.ErrnoException).code;
    throw new ConnectorError(
      code === 'ENOENT' || code === 'EACCES' ? 'connector_failure' : 'unavailable',
      `${what} could not be started: ${redact(exit.error.message)}`,
      { cause: exit.error, ...(code !== undefined ? { targetCode: code } : {}) },
    );
  }
  if (stopped !== undefined) {
    throw new ConnectorError(
      'timeout',
      stopped === 'timeout'
        ? `${what} did not finish within ${options.timeoutMs} ms and was stopped`
        : `${what} was stopped: the operation was aborted`,
      withDetail,
    );
  }
  if (stdoutOverflow) {
    throw new ConnectorError(
      'invalid_response',
      `${what} wrote more than ${options.maxStdoutBytes} bytes to stdout`,
      withDetail,
    );
  }
  const text = Buffer.concat(stdout).toString('utf8').trim();
  let answer: JsonValue | undefined;
  if (text !== '') {
    try {
      answer = JSON.parse(text) as JsonValue;
    } catch {
      answer = undefined;
    }
  }
  // An error the script reports itself wins over its exit code.
  if (isJsonObject(answer) && answer.error !== undefined)
    throw scriptError(answer.error, what, withDetail, redact);
  if (exit.code !== 0) {
    const mapped = exit.code === null ? undefined : options.exitCodes[String(exit.code)];
    const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    throw new ConnectorError(mapped ?? 'unavailable', `${what} ${how}${said}`, {
      ...withDetail,
      ...(exit.code !== null ? { targetCode: exit.code } : {}),
    });
  }
  if (text === '') return {};
  if (!isJsonObject(answer)) {
    const excerpt = redact(text.length > 200 ? `${text.slice(0, 200)}...` : text);
    throw new ConnectorError(
      'invalid_response',
      `${what} answered something that is not a JSON object: ${excerpt}${said}`,
      withDetail,
    );
  }
  return answer;
}

function scriptError(
  error: JsonValue,
  what: string,
  withDetail: { detail?: string },
  redact: (text: string) => string,
): ConnectorError {
  if (!isJsonObject(error) || !isConnectorErrorCode(error.kind)) {
    return new ConnectorError(
      'invalid_response',
      `${what} answered an error without a valid kind: ${redact(JSON.stringify(error)).slice(0, 200)}`,
      withDetail,
    );
  }
  const message =
    typeof error.message === 'string' && error.message !== '' ? redact(error.message) : error.kind;
  const options: { detail?: string; retryAfterMs?: number } = { ...withDetail };
  if (typeof error.retryAfterMs === 'number') options.retryAfterMs = error.retryAfterMs;
  return new ConnectorError(error.kind, `${what}: ${message}`, options);
}

/** Every secret of at least 4 characters replaced by `***` (shorter ones would blank ordinary words). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
