/**
 * The SOAP connector passes the contract kit against the tests' SOAP directory service, opened from
 * examples/soap/app.yaml as it is (users and groups, paged lists, native membership, disable,
 * WS-Security), again with basic auth and a service that pages by two, and against the same
 * service speaking SOAP 1.2 (the example unchanged: the version is read from the WSDL),
 * rpc/encoded over SOAP 1.1 and 1.2, and rpc/literal (the example with the answer paths and member
 * arguments of rpc's array accessors).
 */
import { afterAll } from 'vitest';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import {
  EXAMPLE_CREDENTIALS,
  exampleEnv,
  openExampleConnector,
  rpcSettings,
} from '../support/soap-target/soap-example.js';
import { startSoapTarget } from '../support/soap-target/soap-target.js';

const secured = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS });
const basic = await startSoapTarget({
  basic: { username: 'svc', password: 'basic-secret-1' },
  maxPageSize: 2,
});
const soap12 = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol: 'soap12' });
const rpc = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol: 'rpc' });
const rpc12 = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol: 'rpc12' });
const rpcLiteral = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol: 'rpcLiteral' });
afterAll(async () => {
  await rpcLiteral.close();
  await secured.close();
  await basic.close();
  await soap12.close();
  await rpc.close();
  await rpc12.close();
});

describeConnectorContract('soap (SOAP 1.2 document/literal, WS-Security)', () =>
  openExampleConnector(exampleEnv(soap12.wsdlUrl)),
);

describeConnectorContract('soap (rpc/encoded, WS-Security)', () =>
  openExampleConnector(exampleEnv(rpc.wsdlUrl), rpcSettings),
);

describeConnectorContract('soap (SOAP 1.2 rpc/encoded, WS-Security)', () =>
  openExampleConnector(exampleEnv(rpc12.wsdlUrl), rpcSettings),
);

describeConnectorContract('soap (rpc/literal, WS-Security)', () =>
  openExampleConnector(exampleEnv(rpcLiteral.wsdlUrl), rpcSettings),
);

describeConnectorContract('soap (examples/soap/app.yaml, WS-Security)', () =>
  openExampleConnector(exampleEnv(secured.wsdlUrl)),
);

describeConnectorContract('soap (basic auth, pages of two)', async () => {
  const { ConnectorRegistry } = await import('../../src/connectors/spi/index.js');
  const { soapConnectorDefinition } = await import('../../src/connectors/soap/index.js');
  const { exampleApp, SOAP_EXAMPLE } = await import('../support/soap-target/soap-example.js');
  const { connector } = exampleApp(exampleEnv(basic.wsdlUrl));
  return new ConnectorRegistry()
    .register(soapConnectorDefinition)
    .open(
      { kind: 'soap', settings: connector.settings },
      { appFile: SOAP_EXAMPLE, credentials: { basic: { username: 'svc', password: 'basic-secret-1' } } },
    );
});
