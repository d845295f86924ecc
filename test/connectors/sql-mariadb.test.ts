/** The SQL connector on mysql: the contract kit in every mode, and its behaviour at the edges. */
import { sqlBehaviourSuite } from '../support/sql/behaviour-suite.js';
import { sqlContractSuite } from '../support/sql/contract-suite.js';
import { mysqlBackend } from '../support/sql/test-databases.js';

sqlContractSuite(mysqlBackend());
sqlBehaviourSuite(mysqlBackend());
