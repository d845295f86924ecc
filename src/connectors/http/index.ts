/**
 * The HTTP layer every HTTP connector (scim, rest, soap) shares: transport, limits, credentials,
 * and HTTP answers onto the error taxonomy. It knows no protocol; a kind adds its own on top.
 */
export * from './http-auth.js';
export * from './http-client.js';
export * from './http-credentials.js';
export * from './http-errors.js';
export * from './http-settings.js';
export * from './http-stack.js';
export * from './http-transport.js';
export * from './oauth-token-source.js';
export * from './redactor.js';
export * from './request-limiter.js';
export * from './tls-files.js';
