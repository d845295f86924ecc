/**
 * The credentials an HTTP connector may hold, as zod schemas: a bearer token, OAuth 2.0 client
 * credentials, basic, or an API key in a header. Each kind accepts the subset it supports (SCIM
 * takes no API key), from the same schemas, so a field means the same everywhere.
 */
import { z } from 'zod';

export const bearerCredentialsSchema = z.strictObject({
  token: z.string().min(1, 'must be a non-empty token'),
});

export const oauthCredentialsSchema = z.strictObject({
  oauth: z.strictObject({
    tokenUrl: z.url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' }),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    scope: z.string().min(1).optional(),
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
  }),
});

export const basicCredentialsSchema = z.strictObject({
  basic: z.strictObject({ username: z.string().min(1), password: z.string() }),
});

/** A header name: letters, digits and dashes (what real APIs use; RFC 9110 allows a few more). */
export const headerName = z.string().regex(/^[A-Za-z0-9-]+$/u, 'must be a header name');

export const apiKeyCredentialsSchema = z.strictObject({
  apiKey: z.strictObject({
    /** The header the key goes in, e.g. X-API-Key. */
    header: headerName,
    value: z.string().min(1, 'must be a non-empty key'),
    /** Text before the key in the header, e.g. "ApiKey " or "Token ". */
    prefix: z.string().optional(),
  }),
});

export type BearerCredentials = z.infer<typeof bearerCredentialsSchema>;
export type OAuthCredentials = z.infer<typeof oauthCredentialsSchema>;
export type BasicCredentials = z.infer<typeof basicCredentialsSchema>;
export type ApiKeyCredentials = z.infer<typeof apiKeyCredentialsSchema>;
export type HttpCredentials = BearerCredentials | OAuthCredentials | BasicCredentials | ApiKeyCredentials;

/** Every secret string in credentials, so errors and logs can be scrubbed of them. */
export function secretsOf(credentials: HttpCredentials): string[] {
  if ('token' in credentials) return [credentials.token];
  if ('oauth' in credentials) return [credentials.oauth.clientSecret];
  if ('apiKey' in credentials) return [credentials.apiKey.value];
  return credentials.basic.password === '' ? [] : [credentials.basic.password];
}
