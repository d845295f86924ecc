/**
 * Attribute values between the engine's JSON and LDAP: strings as they are, numbers as decimal
 * text, booleans as LDAP's `TRUE` / `FALSE` (RFC 4517 §3.3.3); and the two binary values of Active
 * Directory, the quoted UTF-16LE `unicodePwd` and the `objectGUID` anchor.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';

/** The LDAP values of one attribute's JSON value: none for no value, one per array item. */
export function toLdapValues(attribute: string, value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const values: string[] = [];
  for (const item of items) {
    if (item === null) continue;
    if (typeof item === 'string') values.push(item);
    else if (typeof item === 'number' && Number.isFinite(item)) values.push(String(item));
    else if (typeof item === 'boolean') values.push(item ? 'TRUE' : 'FALSE');
    else {
      throw new ConnectorError(
        'schema_violation',
        `attribute '${attribute}' has a value LDAP cannot hold (${Array.isArray(item) ? 'a nested array' : typeof item})`,
      );
    }
  }
  return values;
}

/** The JSON value of an attribute read from the server: one value as a string, several as an array. */
export function fromLdapValues(values: string[], alwaysArray: boolean): JsonValue {
  if (alwaysArray) return values;
  return values.length === 1 ? values[0]! : values;
}

/**
 * Active Directory's password value (MS-ADTS §3.1.1.3.1.5.2): the password in double quotes,
 * encoded as UTF-16LE. AD accepts it only over an encrypted connection.
 */
export function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/**
 * An objectGUID (16 bytes) as its usual text: the first three groups are little-endian, so
 * bytes `33 22 11 00 55 44 77 66 88 99 ...` read `00112233-4455-6677-8899-...`.
 */
export function decodeObjectGuid(bytes: Buffer): string {
  if (bytes.length !== 16)
    throw new ConnectorError('invalid_response', `objectGUID has ${bytes.length} bytes, not 16`);
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = [...bytes.subarray(from, to)];
    if (reverse) part.reverse();
    return part.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the text form of a GUID. */
export function isGuidText(text: string): boolean {
  return GUID_TEXT.test(text);
}

/** The 16 bytes of a GUID's text form (the inverse of `decodeObjectGuid`). */
export function encodeObjectGuid(text: string): Buffer {
  if (!isGuidText(text)) throw new ConnectorError('not_found', `'${text}' is not an objectGUID`);
  const hex = text.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  const swap = (from: number, to: number) => bytes.subarray(from, to).reverse();
  swap(0, 4);
  swap(4, 6);
  swap(6, 8);
  return bytes;
}

/** AD's userAccountControl flags the profile writes. */
export const UserAccountControl = {
  /** ACCOUNTDISABLE. */
  disabled: 0x2,
  /** NORMAL_ACCOUNT. */
  normalAccount: 0x200,
} as const;

/** The userAccountControl value with the disabled bit set or cleared, other bits kept. */
export function withAccountDisabled(current: number, disabled: boolean): number {
  return disabled ? current | UserAccountControl.disabled : current & ~UserAccountControl.disabled;
}
