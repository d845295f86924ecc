/**
 * Sends one HTTP/1.1 request over a plain socket with the request target exactly as given. fetch
 * and node:http normalise targets (drop the fragment, resolve dot segments, re-encode), which is
 * precisely what the tests of odd targets must not have done for them.
 */
import { connect } from 'node:net';

/** A raw response: status, lower-cased headers and the body as text (and parsed JSON when it is). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** Decodes a chunked body (fastify chunks only streamed replies, but a test must not guess). */
function unchunk(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) return out;
    const size = Number.parseInt(raw.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * `METHOD target HTTP/1.1` to 127.0.0.1:`port`, with `headers`, a Content-Length for `body` and
 * `Connection: close`; resolves when the server closes the connection.
 */
export function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Readonly<Record<string, string>> = {},
  body = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = (split === -1 ? raw : raw.slice(0, split)).split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? Number.NaN);
      const parsed: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let text = split === -1 ? '' : raw.slice(split + 4);
      if (parsed['transfer-encoding'] === 'chunked') text = unchunk(text);
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status, headers: parsed, text, body: json });
    });
    let request = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
    request += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    socket.write(request + body);
  });
}
