/** `${NAME}` substitution in app files: the escape, errors, and properties over generated text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeTemplate, soleVariable, substituteEnv } from '../../src/engine/apps/env-substitution.js';

describe('substituteEnv', () => {
  it('replaces variables, keeps lone dollars, and reads $${ as a literal ${', () => {
    expect(substituteEnv('https://${HOST}:${PORT}/x', { HOST: 'h', PORT: '1' })).toEqual({
      ok: true,
      value: 'https://h:1/x',
      variables: ['HOST', 'PORT'],
      templated: true,
    });
    expect(substituteEnv('costs $5 and $${HOST}', { HOST: 'h' })).toMatchObject({
      ok: true,
      value: 'costs $5 and ${HOST}',
    });
    expect(substituteEnv('plain $ text', {})).toEqual({
      ok: true,
      value: 'plain $ text',
      variables: [],
      templated: false,
    });
    expect(substituteEnv('${EMPTY}', { EMPTY: '' })).toMatchObject({ ok: true, value: '' });
  });

  it('names every unset variable once, and refuses references that are not names', () => {
    expect(substituteEnv('${A}${B}${A}', {})).toEqual({
      ok: false,
      message: 'environment variables A, B are not set',
    });
    expect(substituteEnv('x ${A', {})).toMatchObject({
      ok: false,
      message: expect.stringContaining("'${A' is not a variable reference"),
    });
    expect(substituteEnv('${1X}', {})).toMatchObject({ ok: false });
    expect(substituteEnv('${}', {})).toMatchObject({ ok: false });
  });

  it('gives back any text it escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', 'a', 'B', '_', ' ') }), (text) => {
        expect(substituteEnv(escapeTemplate(text), {})).toMatchObject({ ok: true, value: text });
      }),
    );
  });

  it('puts each variable’s value where it was referenced, whatever the value holds', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
    const part = fc.oneof(
      fc.record({ text: fc.string() }),
      fc.record({ variable: name, value: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const env: Record<string, string> = {};
        let template = '';
        for (const p of parts) {
          if ('variable' in p) {
            env[p.variable] ??= p.value;
            template += `\${${p.variable}}`;
          } else {
            template += escapeTemplate(p.text);
          }
          // A literal `$` right before a reference would read as the `$${` escape (documented).
          if (template.endsWith('$') && 'text' in p) template += ' ';
        }
        const expected = parts
          .map((p) => ('variable' in p ? env[p.variable] : p.text.endsWith('$') ? `${p.text} ` : p.text))
          .join('');
        expect(substituteEnv(template, env)).toMatchObject({ ok: true, value: expected });
      }),
    );
  });

  it('recognises a value that is exactly one reference', () => {
    expect(soleVariable('${TOKEN}')).toBe('TOKEN');
    expect(soleVariable('Bearer ${TOKEN}')).toBeUndefined();
    expect(soleVariable('$${TOKEN}')).toBeUndefined();
  });
});
