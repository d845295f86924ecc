/**
 * RFC 7643 §5 ServiceProviderConfig, built from what the server actually implements so that a
 * client (Entra ID, Okta) never relies on a feature we do not have.
 */
import type { JsonObject } from '../../shared/json.js';
import { SchemaUrn } from './schema-types.js';

/** One entry of `authenticationSchemes` (RFC 7643 §5). */
export interface AuthenticationScheme {
  type: 'oauth' | 'oauth2' | 'oauthbearertoken' | 'httpbasic' | 'httpdigest';
  name: string;
  description: string;
  specUri?: string;
  documentationUri?: string;
  primary?: boolean;
}

/** What the server supports; omitted features are advertised as unsupported. */
export interface ServiceProviderConfigOptions {
  /** Base URL of the SCIM endpoint, for meta.location. */
  baseUrl?: string;
  documentationUri?: string;
  patch?: boolean;
  bulk?: { maxOperations: number; maxPayloadSize: number };
  filter?: { maxResults: number };
  /**
   * Whether a client may change a user's `password` (RFC 7643 §5). SCIM has no separate operation
   * for it: the password is written by PATCH or PUT like any other writeOnly attribute.
   */
  changePassword?: boolean;
  sort?: boolean;
  etag?: boolean;
  /** Defaults to one OAuth bearer token scheme (RFC 6750), which is what the server checks. */
  authenticationSchemes?: readonly AuthenticationScheme[];
}

/** The default: bearer tokens as issued by `provisio tokens`. */
export const bearerTokenScheme: AuthenticationScheme = Object.freeze({
  type: 'oauthbearertoken',
  name: 'OAuth Bearer Token',
  description: 'Authentication with a bearer token in the Authorization header (RFC 6750).',
  specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
  primary: true,
});

/** Builds the /ServiceProviderConfig body. */
export function buildServiceProviderConfig(options: ServiceProviderConfigOptions = {}): JsonObject {
  const schemes = options.authenticationSchemes ?? [bearerTokenScheme];
  const out: JsonObject = { schemas: [SchemaUrn.serviceProviderConfig] };
  if (options.documentationUri !== undefined) out.documentationUri = options.documentationUri;
  out.patch = { supported: options.patch ?? false };
  out.bulk = options.bulk
    ? {
        supported: true,
        maxOperations: options.bulk.maxOperations,
        maxPayloadSize: options.bulk.maxPayloadSize,
      }
    : // RFC 7643 §5 marks maxOperations and maxPayloadSize REQUIRED even when bulk is unsupported.
      { supported: false, maxOperations: 0, maxPayloadSize: 0 };
  out.filter = options.filter
    ? { supported: true, maxResults: options.filter.maxResults }
    : { supported: false, maxResults: 0 };
  out.changePassword = { supported: options.changePassword ?? false };
  out.sort = { supported: options.sort ?? false };
  out.etag = { supported: options.etag ?? false };
  out.authenticationSchemes = schemes.map((s) => {
    const scheme: JsonObject = { type: s.type, name: s.name, description: s.description };
    if (s.specUri !== undefined) scheme.specUri = s.specUri;
    if (s.documentationUri !== undefined) scheme.documentationUri = s.documentationUri;
    if (s.primary !== undefined) scheme.primary = s.primary;
    return scheme;
  });
  const meta: JsonObject = { resourceType: 'ServiceProviderConfig' };
  if (options.baseUrl !== undefined) {
    meta.location = `${options.baseUrl.replace(/\/$/, '')}/ServiceProviderConfig`;
  }
  out.meta = meta;
  return out;
}
