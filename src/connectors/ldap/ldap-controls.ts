/**
 * The two request controls the connector sends besides paging: the assertion control (RFC 4528),
 * which makes a write by DN apply only to the entry that still carries the expected id, and
 * permissive modify (Active Directory's; OpenLDAP 2.5 does not offer it and, the control not
 * being critical, ignores it), which makes adding a present member or removing an absent one
 * succeed instead of failing the whole modify. Where it is ignored the connector reads the group
 * and retries with exact changes (`preciseMemberChanges`).
 */
import { BerWriter, Control, type Filter } from 'ldapts';

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

/** LDAP_SERVER_PERMISSIVE_MODIFY_OID: value adds and deletes that change nothing are not errors. */
export class PermissiveModifyControl extends Control {
  static readonly type = '1.2.840.113556.1.4.1413';
  constructor() {
    super(PermissiveModifyControl.type, { critical: false });
  }
}
