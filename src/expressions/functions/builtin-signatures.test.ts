import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from './function-spec.js';
import { builtinFunctionList, builtinFunctions } from './index.js';

/**
 * Each built-in's declared shape: its parameters as Entra documents them (name, the kind the
 * checker judges literals by, optional, repeating), its arity, and how it is called. The checker,
 * the compiler and the console's function list read these definitions, so a parameter renamed, a
 * kind lost or a flag dropped changes what expressions are accepted or how they run.
 *
 * A parameter is written `name`, `name:kind` (when not `any`), then `?` when optional and `*`
 * when it repeats. Arity is `[min, max]`, max undefined for open-ended lists.
 */
const declared: Record<
  string,
  { params: string[]; arity: [number, number | undefined]; group?: number; flags: string[] }
> = {
  Append: { params: ['source:string', 'suffix:string'], arity: [2, 2], flags: ['eager'] },
  ConvertToBase64: { params: ['source:string'], arity: [1, 1], flags: ['eager'] },
  ConvertToUTF8Hex: { params: ['source:string'], arity: [1, 1], flags: ['eager'] },
  CStr: { params: ['value'], arity: [1, 1], flags: ['eager'] },
  InStr: {
    params: ['value1:string', 'value2:string', 'start:number?', 'compareType?'],
    arity: [2, 4],
    flags: ['eager'],
  },
  Left: { params: ['string:string', 'numChars:number'], arity: [2, 2], flags: ['eager'] },
  Mid: { params: ['source:string', 'start:number', 'length:number'], arity: [3, 3], flags: ['eager'] },
  PCase: { params: ['source:string', 'wordSeparators:string?'], arity: [1, 2], flags: ['eager'] },
  StripSpaces: { params: ['source:string'], arity: [1, 1], flags: ['eager'] },
  ToLower: { params: ['source:string', 'culture:string?'], arity: [1, 2], flags: ['eager'] },
  ToUpper: { params: ['source:string', 'culture:string?'], arity: [1, 2], flags: ['eager'] },
  Word: {
    params: ['string:string', 'wordNumber:number', 'delimiters:string'],
    arity: [3, 3],
    flags: ['eager'],
  },
  Redact: { params: ['value'], arity: [1, 1], flags: ['eager'] },
  BitAnd: { params: ['value1:number', 'value2:number'], arity: [2, 2], flags: ['eager'] },
  CBool: { params: ['expression'], arity: [1, 1], flags: ['eager'] },
  Coalesce: {
    params: ['source1', 'sources?*'],
    arity: [1, undefined],
    flags: ['signalsFromArgumentsOnly', 'lazy'],
  },
  IIF: {
    params: ['condition', 'valueIfTrue', 'valueIfFalse'],
    arity: [3, 3],
    flags: ['signalsFromArgumentsOnly', 'lazy'],
  },
  IsNull: { params: ['expression'], arity: [1, 1], flags: ['eager'] },
  IsNullOrEmpty: { params: ['expression'], arity: [1, 1], flags: ['eager'] },
  IsPresent: { params: ['expression'], arity: [1, 1], flags: ['eager'] },
  IsString: { params: ['expression'], arity: [1, 1], flags: ['eager'] },
  Not: { params: ['source'], arity: [1, 1], flags: ['eager'] },
  Switch: {
    params: ['source', 'defaultValue?', 'key*', 'value*'],
    arity: [4, undefined],
    group: 2,
    flags: ['signalsFromArgumentsOnly', 'lazy'],
  },
  Count: { params: ['attribute'], arity: [1, 1], flags: ['eager'] },
  Item: { params: ['attribute', 'index:number'], arity: [2, 2], flags: ['eager'] },
  Join: { params: ['separator:string', 'source*'], arity: [2, undefined], flags: ['eager'] },
  RemoveDuplicates: { params: ['attribute'], arity: [1, 1], flags: ['eager'] },
  Split: { params: ['source:string', 'delimiter:string'], arity: [2, 2], flags: ['eager'] },
  CDate: { params: ['expression:string'], arity: [1, 1], flags: ['eager'] },
  DateAdd: {
    params: ['interval:string', 'value:number', 'dateTime:string'],
    arity: [3, 3],
    flags: ['checkLiterals', 'eager'],
  },
  DateDiff: {
    params: ['interval:string', 'date1:string', 'date2:string'],
    arity: [3, 3],
    flags: ['checkLiterals', 'eager'],
  },
  DateFromNum: { params: ['value:number'], arity: [1, 1], flags: ['eager'] },
  FormatDateTime: {
    params: [
      'source:string',
      'dateTimeStyles:string?',
      'inputFormat:string',
      'outputFormat:string',
      'inputTimeZone:string?',
      'outputTimeZone:string?',
    ],
    arity: [4, 6],
    flags: ['checkLiterals', 'eager'],
  },
  Now: { params: [], arity: [0, 0], flags: ['volatile', 'eager'] },
  NumFromDate: { params: ['value:string'], arity: [1, 1], flags: ['eager'] },
  NormalizeDiacritics: { params: ['source:string'], arity: [1, 1], flags: ['eager'] },
  Replace: {
    params: [
      'source:string',
      'oldValue:string?',
      'regexPattern:string?',
      'regexGroupName:string?',
      'replacementValue:string?',
      'replacementAttributeName?',
      'template:string?',
    ],
    arity: [1, 7],
    flags: ['checkLiterals', 'eager'],
  },
  Guid: { params: [], arity: [0, 0], flags: ['volatile', 'eager'] },
  RandomString: {
    params: [
      'length:number',
      'minimumNumbers:number',
      'minimumSpecialCharacters:number',
      'minimumCapital:number',
      'minimumLowerCase:number',
      'charactersToAvoid:string?',
    ],
    arity: [5, 6],
    flags: ['volatile', 'checkLiterals', 'eager'],
  },
  AppRoleAssignmentsComplex: { params: ['appRoleAssignments'], arity: [1, 1], flags: ['volatile', 'eager'] },
  AssertiveAppRoleAssignmentsComplex: {
    params: ['appRoleAssignments'],
    arity: [1, 1],
    flags: ['volatile', 'eager'],
  },
  SingleAppRoleAssignment: { params: ['appRoleAssignments'], arity: [1, 1], flags: ['volatile', 'eager'] },
  IgnoreFlowIfNullOrEmpty: { params: ['expression'], arity: [1, 1], flags: ['raw'] },
  IgnoreAttributeFlow: { params: [], arity: [0, 0], flags: ['raw'] },
  IgnoreObjectFlow: { params: [], arity: [0, 0], flags: ['raw'] },
  SelectUniqueValue: {
    params: ['uniqueValueRule1', 'uniqueValueRule2*'],
    arity: [2, undefined],
    flags: ['async', 'asyncCall'],
  },
};

function shapeOf(spec: FunctionSpec) {
  return {
    params: spec.params.map(
      (param) =>
        `${param.name}${param.kind === 'any' ? '' : `:${param.kind}`}${param.optional ? '?' : ''}${param.variadic ? '*' : ''}`,
    ),
    arity: [spec.arity?.min, spec.arity?.max],
    ...(spec.variadicGroupSize === undefined ? {} : { group: spec.variadicGroupSize }),
    flags: [
      spec.volatile ? 'volatile' : '',
      spec.async ? 'async' : '',
      spec.signalsFromArgumentsOnly ? 'signalsFromArgumentsOnly' : '',
      spec.checkLiterals ? 'checkLiterals' : '',
      spec.callLazy ? 'lazy' : spec.callAsync ? 'asyncCall' : spec.callPlain ? 'eager' : 'raw',
    ].filter((flag) => flag !== ''),
  };
}

/** The signature docs/expressions.md gives in a function's section: `Name(a, b, ...)`. */
function documentedParameters(name: string): string[] | undefined {
  const docs = readFileSync(new URL('../../../docs/expressions.md', import.meta.url), 'utf8');
  const section = docs.split(`\n### ${name}\n`)[1];
  const signature = section?.match(new RegExp(`\`${name}\\(([^)\`]*)\\)\``))?.[1];
  if (signature === undefined) return undefined;
  return signature
    .split(',')
    .map((part) => part.trim().replace(/^\[(.*)\]$/, '$1'))
    .filter((part) => part !== '');
}

describe('built-in definitions', () => {
  it('are exactly the documented functions, each once, found by name in any case', () => {
    expect(builtinFunctionList.map((spec) => spec.name).sort()).toEqual(Object.keys(declared).sort());
    expect(builtinFunctions.size).toBe(builtinFunctionList.length);
    for (const spec of builtinFunctionList) {
      expect(builtinFunctions.get(spec.name.toLowerCase())).toBe(spec);
    }
  });

  it.each(Object.entries(declared))('%s declares its parameters, arity and calling form', (name, shape) => {
    const spec = builtinFunctions.get(name.toLowerCase());
    expect(spec?.name).toBe(name);
    expect(shapeOf(spec!)).toEqual(shape);
  });

  it.each(builtinFunctionList.map((spec) => [spec.name, spec] as const))(
    '%s has a one-sentence summary',
    (_name, spec) => {
      expect(spec.summary).toMatch(/^[A-Z][^\n]*\.$/);
    },
  );

  it.each(builtinFunctionList.map((spec) => [spec.name, spec] as const))(
    "%s's parameter names are those of its documented signature",
    (name, spec) => {
      const documented = documentedParameters(name);
      expect(documented).toBeDefined();
      const names = spec.params.map((param) => param.name);
      const open = documented!.indexOf('...');
      if (open === -1) {
        expect(names).toEqual(documented);
      } else {
        // A repeating tail is documented by example (`source1, source2, ...`): the fixed
        // parameters before it must match, and each repeated one is declared once.
        const fixed = spec.params.filter((param) => !param.variadic).length;
        expect(names.slice(0, fixed)).toEqual(documented!.slice(0, fixed));
      }
    },
  );
});
