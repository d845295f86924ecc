/**
 * An OAuth 2.0 token endpoint for tests (client credentials, RFC 6749 §4.4) that issues short-lived
 * tokens and tells the SCIM target which ones to accept.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenEndpointOptions {
  clientId: string;
  clientSecret: string;
  /** expires_in of each token, in seconds. */
  lifetimeSeconds: number;
  /** Called with each token issued. */
  onIssue: (token: string) => void;
}

export interface TokenEndpoint {
  url: string;
  /** Token requests received, with the scope asked for. */
  requests: { scope: string | null; authorization: string | undefined }[];
  issued: string[];
  close(): Promise<void>;
}

export async function startTokenEndpoint(options: TokenEndpointOptions): Promise<TokenEndpoint> {
  const requests: TokenEndpoint['requests'] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      requests.push({ scope: form.get('scope'), authorization: req.headers.authorization });
      const basic = req.headers.authorization?.startsWith('Basic ')
        ? Buffer.from(req.headers.authorization.slice(6), 'base64')
            .toString()
            .split(':')
            .map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')];
      res.setHeader('content-type', 'application/json');
      if (
        form.get('grant_type') !== 'client_credentials' ||
        basic[0] !== options.clientId ||
        basic[1] !== options.clientSecret
      ) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client' }));
        return;
      }
      const token = `oauth-token-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      options.onIssue(token);
      res.end(
        JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: options.lifetimeSeconds }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth2/token`,
    requests,
    issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
