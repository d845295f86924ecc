/**
 * The request controls the connector sends besides paging: the assertion control (RFC 4528),
 * which makes a write by DN apply only to the entry that still carries the expected id, and
 * permissive modify (Active Directory's; OpenLDAP 2.5 does not offer it and, the control not
 * being critical, ignores it), which makes adding a present member or removing an absent one
 * succeed instead of failing the whole modify. Where it is ignored the connector reads the group
 * and retries with exact changes (`preciseMemberChanges`). And post-read (RFC 4527), which has an
 * add answer the new entry (with its server-assigned anchor) so a create needs no second request.
 */
import { BerWriter, Control, type BerReader, type Entry, type Filter } from 'ldapts';

/** RFC 4528: the operation applies only if the entry matches `filter` (else result 122). */
export class AssertionControl extends Control {
  static readonly type = '1.3.6.1.1.12';
  constructor(readonly filter: Filter) {
    super(AssertionControl.type, { critical: true });
  }
  override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    this.filter.write(value);
    writer.writeBuffer(value.buffer, 0x04);
  }
}

const encodedLists = new WeakMap<readonly string[], Buffer>();

/** LDAP_SERVER_PERMISSIVE_MODIFY_OID: value adds and deletes that change nothing are not errors. */
export class PermissiveModifyControl extends Control {
  static readonly type = '1.2.840.113556.1.4.1413';
  constructor() {
    super(PermissiveModifyControl.type, { critical: false });
  }
}

/** The one permissive modify control every member change sends (it carries no state). */
export const permissiveModify = new PermissiveModifyControl();

/**
 * RFC 4527 post-read: the server answers the entry as it is after the operation. ldapts hands an
 * answer control it does not know to the request control of the same type, so the entry lands in
 * `entry`; servers without the control (Active Directory) leave it undefined.
 */
export class PostReadControl extends Control {
  static readonly type = '1.3.6.1.1.13.2';
  entry: Entry | undefined;
  constructor(readonly attributes: readonly string[]) {
    super(PostReadControl.type, { critical: false });
  }
  override writeControl(writer: BerWriter): void {
    // Every create of a type asks for the same list: its encoding is made once.
    let encoded = encodedLists.get(this.attributes);
    if (encoded === undefined) {
      const value = new BerWriter();
      value.startSequence();
      for (const attribute of this.attributes) value.writeString(attribute);
      value.endSequence();
      encoded = value.buffer;
      encodedLists.set(this.attributes, encoded);
    }
    writer.writeBuffer(encoded, 0x04);
  }
  override parseControl(reader: BerReader): void {
    // SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN, attributes PartialAttributeList }
    if (reader.readSequence(0x64) === null) return;
    const dn = reader.readString();
    if (dn === null || reader.readSequence() === null) return;
    const entry: Entry = { dn };
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      if (reader.readSequence() === null) break;
      const type = reader.readString();
      if (type === null || reader.readSequence(0x31) === null) break;
      const valuesEnd = reader.offset + reader.length;
      const values: Buffer[] = [];
      while (reader.offset < valuesEnd) {
        const value = reader.readString(0x04, true);
        if (value === null) break;
        values.push(value);
      }
      const binary = type.toLowerCase() === 'objectguid' || type.endsWith(';binary');
      entry[type] = binary ? (values.length === 1 ? values[0]! : values) : textValues(values);
    }
    this.entry = entry;
  }
}

function textValues(values: Buffer[]): string | string[] {
  const texts = values.map((value) => value.toString('utf8'));
  return texts.length === 1 ? texts[0]! : texts;
}
