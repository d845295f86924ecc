/** The SQL connector on sqlite: the contract kit in every mode, and its behaviour at the edges. */
import { sqlBehaviourSuite } from '../support/sql/behaviour-suite.js';
import { sqlContractSuite } from '../support/sql/contract-suite.js';
import { sqliteBackend } from '../support/sql/test-databases.js';

sqlContractSuite(sqliteBackend());
sqlBehaviourSuite(sqliteBackend());
