/** The SQL connector on postgres: the contract kit in every mode, and its behaviour at the edges. */
import { sqlBehaviourSuite } from '../support/sql/behaviour-suite.js';
import { sqlContractSuite } from '../support/sql/contract-suite.js';
import { postgresBackend } from '../support/sql/test-databases.js';

sqlContractSuite(postgresBackend());
sqlBehaviourSuite(postgresBackend());
