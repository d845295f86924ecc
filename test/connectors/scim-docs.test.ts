/** docs/connectors/scim.md documents every setting, deviation flag, profile and credential form. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SCIM_PROFILE_NAMES,
  scimDeviationsSchema,
  scimSettingsSchema,
} from '../../src/connectors/scim/index.js';

const doc = readFileSync(new URL('../../docs/connectors/scim.md', import.meta.url), 'utf8');

describe('docs/connectors/scim.md', () => {
  it('has a row for every setting and deviation flag, and a section for every profile', () => {
    for (const key of Object.keys(scimSettingsSchema.shape))
      expect(doc).toMatch(new RegExp(`\\| \`${key}[.\`]`, 'u'));
    for (const key of Object.keys(scimDeviationsSchema.shape))
      expect(doc).toMatch(new RegExp(`\\| \`${key}:`, 'u'));
    for (const profile of SCIM_PROFILE_NAMES) expect(doc).toContain(`| \`${profile}\` |`);
    for (const form of ['token:', 'oauth:', 'basic:', 'clientAuth:', 'scope:']) expect(doc).toContain(form);
  });
});
