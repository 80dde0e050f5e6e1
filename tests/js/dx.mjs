// The AWS SDK for JavaScript v3 against a dxlab server: orders a connection, describes it,
// and provokes an error. Prints one JSON report on stdout for tests/test_js_sdk.py.
//
//   node dx.mjs json|cbor [ENDPOINT]
//
// The SDK speaks awsJson1.1 by default; "cbor" plugs in its smithy-rpc-v2-cbor protocol
// (the model's other protocol), so dxlab's CBOR path is exercised by a second, independent
// CBOR implementation. Without ENDPOINT the SDK reads AWS_ENDPOINT_URL_DIRECT_CONNECT.
// Credentials and region come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION.

import {
  CreateConnectionCommand,
  CreateDirectConnectGatewayCommand,
  DescribeConnectionsCommand,
  DescribeDirectConnectGatewaysCommand,
  DescribeLocationsCommand,
  DirectConnectClient,
} from "@aws-sdk/client-direct-connect";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

const [wire, endpoint] = process.argv.slice(2);
const config = { maxAttempts: 1 };
if (endpoint) config.endpoint = endpoint;
if (wire === "cbor") config.protocol = AwsSmithyRpcV2CborProtocol;
const client = new DirectConnectClient(config);

// What went on the wire: the path and the protocol headers of every request.
const requests = [];
client.middlewareStack.add(
  (next) => async (args) => {
    const h = args.request.headers;
    requests.push({
      path: args.request.path,
      target: h["x-amz-target"] ?? null,
      smithyProtocol: h["smithy-protocol"] ?? null,
      contentType: h["content-type"] ?? null,
    });
    return next(args);
  },
  { step: "finalizeRequest", name: "dxlabRecordRequest" },
);

async function run(report) {
  const locations = await client.send(new DescribeLocationsCommand({}));
  report.locationCodes = locations.locations.map((l) => l.locationCode);

  const created = await client.send(
    new CreateConnectionCommand({ location: "EqDC2", bandwidth: "10Gbps", connectionName: `js-${wire}` }),
  );
  report.created = created;
  report.createdRequestId = created.$metadata.requestId ?? null;

  const described = await client.send(new DescribeConnectionsCommand({ connectionId: created.connectionId }));
  const conn = described.connections[0];
  report.described = conn;
  report.loaIssueTimeIsDate = conn.loaIssueTime instanceof Date;
  report.loaIssueTime = conn.loaIssueTime instanceof Date ? conn.loaIssueTime.getTime() / 1000 : null;

  try {
    await client.send(new DescribeConnectionsCommand({ connectionId: "dxcon-nope1234" }));
    report.error = null;
  } catch (err) {
    report.error = {
      name: err.name,
      message: err.message,
      fault: err.$fault,
      status: err.$metadata?.httpStatusCode,
      requestId: err.$metadata?.requestId ?? null,
    };
  }

  // Three gateways read back two at a time, following nextToken (the JS client has no
  // paginator for this operation, so the loop is the caller's, as in user code).
  for (const n of [1, 2, 3]) {
    await client.send(new CreateDirectConnectGatewayCommand({ directConnectGatewayName: `js-${wire}-${n}` }));
  }
  report.gatewayPages = [];
  let nextToken;
  do {
    const page = await client.send(new DescribeDirectConnectGatewaysCommand({ maxResults: 2, nextToken }));
    report.gatewayPages.push(page.directConnectGateways.map((g) => g.directConnectGatewayName));
    nextToken = page.nextToken;
  } while (nextToken && report.gatewayPages.length < 10);
}

const report = { wire, requests };
try {
  await run(report);
} catch (err) {
  // A call that fails where none should (a refused signature, say): its error is the
  // report, and the exit code 2.
  const failure = { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  process.stdout.write(JSON.stringify({ wire, requests, failure }) + "\n");
  process.exit(2);
}
process.stdout.write(JSON.stringify(report) + "\n");
