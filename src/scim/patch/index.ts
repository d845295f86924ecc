/** SCIM PATCH (RFC 7644 §3.5.2): request validation and all-or-nothing application. */
export { parsePatchRequest, MAX_PATCH_OPERATIONS } from './parse-patch-request.js';
export { applyPatch } from './apply-patch.js';
export { PatchOpName } from './patch-types.js';
export type { PatchOperation, PatchResult, ApplyPatchOptions } from './patch-types.js';
