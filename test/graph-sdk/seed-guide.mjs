// The seed guide driven with Microsoft's own Graph SDK, exactly as the README shows it ("Microsoft's Graph SDK").
// Run by test/graph-sdk/sdk.test.ts against `scimsim serve --tls`, with NODE_EXTRA_CA_CERTS naming its certificate.
// It prints what it saw as one line of JSON.
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
} from '@microsoft/microsoft-graph-client';

const origin = process.env.SCIMSIM_ORIGIN; // https://127.0.0.1:<port>
const adminToken = process.env.SCIMSIM_ADMIN_TOKEN;

// --- the README's example starts here ---
const client = Client.init({
  authProvider: (done) => done(null, adminToken),
  baseUrl: `${origin}/azure`, // the SDK adds /v1.0
  customHosts: new Set([new URL(origin).hostname]), // the SDK sends the token only to Graph's hosts and these
});

// NordPass Admin Panel > Settings > User provisioning > Get Credentials
const admin = (path, init = {}) =>
  fetch(`${origin}${path}`, { ...init, headers: { Authorization: `Bearer ${adminToken}`, ...init.headers } });
const { tenantUrl, secretToken } = await (await admin('/admin/provisioning/credentials', { method: 'POST' })).json();

// Entra: the NordPass enterprise app, five users assigned to it
const [app] = (await client.api('/servicePrincipals').filter("displayName eq 'NordPass'").get()).value;
for (const name of ['ada', 'bob', 'cy', 'dee', 'eve']) {
  const user = await client.api('/users').post({
    accountEnabled: true,
    displayName: name,
    mailNickname: name,
    userPrincipalName: `${name}@contoso.com`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
  });
  await client.api(`/servicePrincipals/${app.id}/appRoleAssignedTo`).post({
    principalId: user.id,
    resourceId: app.id,
    appRoleId: '00000000-0000-0000-0000-000000000000', // Default Access
  });
}

// Provisioning: Admin Credentials (Test Connection runs on save), then Provisioning Status On
await client.api(`/servicePrincipals/${app.id}/synchronization/secrets`).put({
  value: [
    { key: 'BaseAddress', value: tenantUrl },
    { key: 'SecretToken', value: secretToken },
  ],
});
const [job] = (await client.api(`/servicePrincipals/${app.id}/synchronization/jobs`).get()).value;
await client.api(`/servicePrincipals/${app.id}/synchronization/jobs/${job.id}/start`).post({});
await admin('/_sim/clock/advance', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ by: '1m' }),
});

// The provisioning logs, two to a page, every page read
const entries = [];
const pages = new PageIterator(client, await client.api('/auditLogs/provisioning').top(2).get(), (entry) => {
  entries.push(entry);
  return true;
});
await pages.iterate();

// A call Graph refuses is a GraphError with Graph's status and code
let refused;
try {
  await client.api('/users/00000000-0000-0000-0000-000000000000').get();
} catch (error) {
  if (!(error instanceof GraphError)) throw error;
  refused = { statusCode: error.statusCode, code: error.code };
}
// --- the README's example ends here ---

const users = [];
const links = [];
const first = await client.api('/users').top(2).get();
links.push(first['@odata.nextLink']);
await new PageIterator(client, first, (u) => {
  users.push(u.userPrincipalName);
  return true;
}).iterate();
// The SDK's batch helpers: three requests in one POST /$batch.
const batch = new BatchRequestContent([
  {
    id: 'count',
    request: new Request(`${origin}/azure/v1.0/users/$count`, { headers: { ConsistencyLevel: 'eventual' } }),
  },
  { id: 'ada', request: new Request(`${origin}/azure/v1.0/users/ada@contoso.com?$select=displayName`) },
  {
    id: 'rename',
    request: new Request(`${origin}/azure/v1.0/users/ada@contoso.com`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: 'Ada Lovelace' }),
    }),
  },
]);
const answered = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()));
const batched = {
  count: await answered.getResponseById('count').text(),
  ada: (await answered.getResponseById('ada').json()).displayName,
  rename: answered.getResponseById('rename').status,
  after: (await client.api('/users/ada@contoso.com').select('displayName').get()).displayName,
};

console.log(
  JSON.stringify({
    batched,
    entries: entries.map((e) => [e.provisioningAction, e.provisioningStatusInfo.status, e.sourceIdentity.displayName]),
    status: (await client.api(`/servicePrincipals/${app.id}/synchronization/jobs/${job.id}`).get()).status.code,
    refused,
    users,
    links,
  }),
);
