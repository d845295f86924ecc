import type { AttributeDefinition, AttributeType } from './schema-types.js';

/** The characteristics a definition may override; everything else takes the RFC 7643 §2.2 default. */
export type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/**
 * Builds an attribute definition with the defaults of RFC 7643 §2.2 (required false, caseExact
 * false, mutability readWrite, returned default, uniqueness none, not multi-valued), so schema data
 * lists only what differs from them. The result is frozen: schemas are shared by every request.
 */
export function defineAttribute(
  name: string,
  type: AttributeType,
  description: string,
  options: AttributeOptions = {},
): AttributeDefinition {
  const def: AttributeDefinition = {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description,
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(options.canonicalValues ? { canonicalValues: Object.freeze([...options.canonicalValues]) } : {}),
    ...(options.referenceTypes ? { referenceTypes: Object.freeze([...options.referenceTypes]) } : {}),
    ...(options.subAttributes ? { subAttributes: Object.freeze([...options.subAttributes]) } : {}),
  };
  return Object.freeze(def);
}

/**
 * The four sub-attributes RFC 7643 §2.4 gives most multi-valued attributes (value, display, type,
 * primary), with per-attribute value type and canonical type values.
 */
export function multiValuedSubAttributes(
  valueDescription: string,
  canonicalTypes: readonly string[] | undefined,
  valueOptions: {
    type?: AttributeType;
    referenceTypes?: readonly string[];
    mutability?: AttributeDefinition['mutability'];
  } = {},
): AttributeDefinition[] {
  const mutability = valueOptions.mutability ?? 'readWrite';
  return [
    defineAttribute('value', valueOptions.type ?? 'string', valueDescription, {
      mutability,
      ...(valueOptions.referenceTypes ? { referenceTypes: valueOptions.referenceTypes } : {}),
    }),
    defineAttribute('display', 'string', 'A human-readable name, primarily used for display purposes.', {
      mutability,
    }),
    defineAttribute('type', 'string', "A label indicating the attribute's function.", {
      mutability,
      ...(canonicalTypes ? { canonicalValues: canonicalTypes } : {}),
    }),
    defineAttribute(
      'primary',
      'boolean',
      'A Boolean value indicating the preferred value for this attribute; true at most once.',
      { mutability },
    ),
  ];
}
