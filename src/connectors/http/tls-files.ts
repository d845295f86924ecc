/**
 * The TLS options of an app as the transport takes them: each of `ca`, `cert` and `key` is PEM
 * text as given, or the file it names, read once when the connector is built (relative to the app
 * file's directory, so an app file and its certificates move together).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TransportTls } from './http-transport.js';

export interface TlsSettings {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  rejectUnauthorized: boolean;
}

function pem(value: string | undefined, baseDirectory: string, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(resolve(baseDirectory, value), 'utf8');
  } catch (error) {
    throw new Error(`tls.${label}: cannot read '${value}': ${(error as Error).message}`);
  }
}

export function readTls(settings: TlsSettings, baseDirectory: string): TransportTls {
  const tls: TransportTls = { rejectUnauthorized: settings.rejectUnauthorized };
  const ca = pem(settings.ca, baseDirectory, 'ca');
  const cert = pem(settings.cert, baseDirectory, 'cert');
  const key = pem(settings.key, baseDirectory, 'key');
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  return tls;
}
