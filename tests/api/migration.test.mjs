// Lazy migration from a live pool (--migrate-from / --migrate-pool / --migrate-client), with a
// second Cognate as "the old pool" (it speaks Cognito's API, as Amazon Cognito does):
//
// - a user of the old pool who signs in here with USER_PASSWORD_AUTH and the right password is
//   created here — confirmed, that password, the old pool's attributes (GetUser, when the old
//   pool gave tokens) — and the sign-in goes on here: MFA_SETUP in this MFA REQUIRED pool, then
//   TOTP; the next sign-ins never ask the old pool (it may be gone);
// - an MFA challenge from the old pool proves the password as well (no attributes then: the
//   name is the email, verified);
// - a wrong password, a name the old pool does not have, and an old pool that cannot be reached
//   get exactly the answers a name no user has gets, probe after probe, the lockout included
//   (which also stops the calls to the old pool).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, cognitoClient, rawCall, readCredentials, startSandbox, uniqueEmail } from './lib/cognate.mjs';
import { answerTotp, completeTotpSetup, enrolledUser, passwordAuth } from './lib/sign_in.mjs';
import { runCognate } from './lib/cluster.mjs';

const adminOf = async (server) => new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: server.endpoint, maxAttempts: 1,
  credentials: await readCredentials(path.join(server.dataDir, 'aws-credentials')),
});

/** The answers to `n` USER_PASSWORD_AUTH calls, as compared: status, __type, message. */
async function probes(server, username, password, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await rawCall(server.endpoint, 'InitiateAuth', {
      ClientId: server.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    out.push(`${r.status} ${r.json?.__type} ${r.json?.message}`);
  }
  return out;
}

/** A TCP port nothing listens on. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('lazy migration from a live pool (a second Cognate as the old pool)', () => {
  let oldServer;
  let oldAdmin;
  let oldPool;
  let oldClient;
  const servers = [];
  const tom = uniqueEmail('migrate-tom');
  const ann = uniqueEmail('migrate-ann');
  const tomPassword = 'Old-pool-passw0rd!';
  before(async () => {
    oldServer = await startSandbox();
    oldAdmin = await adminOf(oldServer);
    // A pool without MFA on the old server: its sign-ins give tokens, so GetUser tells attributes.
    oldPool = (await oldAdmin.send(new CreateUserPoolCommand({ PoolName: 'legacy', MfaConfiguration: 'OFF' }))).UserPool.Id;
    oldClient = (await oldAdmin.send(new CreateUserPoolClientCommand({
      UserPoolId: oldPool, ClientName: 'legacy-web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))).UserPoolClient.ClientId;
    for (const [email, password, given] of [[tom, tomPassword, 'Tom'], [ann, GOOD_PASSWORD, 'Ann']]) {
      await oldAdmin.send(new AdminCreateUserCommand({
        UserPoolId: oldPool, Username: email, MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, { Name: 'given_name', Value: given }],
      }));
      await oldAdmin.send(new AdminSetUserPasswordCommand({ UserPoolId: oldPool, Username: email, Password: password, Permanent: true }));
    }
  });
  after(async () => {
    for (const s of servers) {
      await s.stop();
    }
    await oldServer?.stop();
  });

  const migratingFrom = async (endpoint, pool, client) => {
    const s = await startSandbox({ extraArgs: ['--migrate-from', endpoint, '--migrate-pool', pool, '--migrate-client', client] });
    servers.push(s);
    return s;
  };

  it('moves a user in at the first sign-in with the right password, with the old attributes, then MFA set-up here', async () => {
    const server = await migratingFrom(`${oldServer.endpoint}/`, oldPool, oldClient);
    const client = cognitoClient(server.endpoint);
    const first = await passwordAuth(client, server, tom, tomPassword);
    assert.equal(first.ChallengeName, 'MFA_SETUP', 'this pool requires MFA: set up anew');
    const { result, device } = await completeTotpSetup(client, server, first);
    assert.ok(result.AuthenticationResult?.AccessToken);

    const admin = await adminOf(server);
    const here = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: tom }));
    assert.equal(here.UserStatus, 'CONFIRMED');
    const attrs = Object.fromEntries(here.UserAttributes.map((a) => [a.Name, a.Value]));
    assert.equal(attrs.email, tom);
    assert.equal(attrs.email_verified, 'true');
    assert.equal(attrs.given_name, 'Tom', 'the old pool\'s attributes came along');
    const old = await oldAdmin.send(new AdminGetUserCommand({ UserPoolId: oldPool, Username: tom }));
    assert.notEqual(attrs.sub, Object.fromEntries(old.UserAttributes.map((a) => [a.Name, a.Value])).sub, 'a sub of this pool');

    // From now on the user is this pool's: the old pool is not asked (here: it refuses a password
    // this pool now holds, after a change there).
    await oldAdmin.send(new AdminSetUserPasswordCommand({ UserPoolId: oldPool, Username: tom, Password: 'Changed-there-0!', Permanent: true }));
    const again = await passwordAuth(client, server, tom, tomPassword);
    assert.equal(again.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const done = await answerTotp(client, server, again, tom, await device.next());
    assert.ok(done.AuthenticationResult?.AccessToken);

    const audit = await runCognate(['audit', '--dir', server.dataDir, '--user', tom, '--json']);
    const events = audit.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const moved = events.find((e) => e.event === 'migrate_user');
    assert.ok(moved, audit.stdout);
    assert.deepEqual({ from: moved.detail.from, proven_by: moved.detail.proven_by }, { from: oldPool, proven_by: 'tokens' });
  });

  it('takes an MFA challenge from the old pool as proof of the password', async () => {
    // The old server's own pool requires MFA: its sign-ins answer SOFTWARE_TOKEN_MFA.
    const mia = await enrolledUser(cognitoClient(oldServer.endpoint), oldServer, 'migrate-mia');
    const server = await migratingFrom(oldServer.endpoint, oldServer.poolId, oldServer.clientId);
    const client = cognitoClient(server.endpoint);
    const first = await passwordAuth(client, server, mia.email);
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    const admin = await adminOf(server);
    const here = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: mia.email }));
    const attrs = Object.fromEntries(here.UserAttributes.map((a) => [a.Name, a.Value]));
    assert.equal(here.UserStatus, 'CONFIRMED');
    assert.equal(attrs.email_verified, 'true');
  });

  it('answers a wrong password, an unknown name and an unreachable old pool as it answers a name no user has', async () => {
    const server = await migratingFrom(oldServer.endpoint, oldPool, oldClient);
    const nobody = uniqueEmail('migrate-nobody');
    // Eight probes each: five refusals, then the lockout (counted for both, before the old pool
    // is asked).
    const wrong = await probes(server, ann, 'Wrong-passw0rd!', 8);
    const unknown = await probes(server, nobody, 'Wrong-passw0rd!', 8);
    assert.deepEqual(wrong, unknown);
    assert.deepEqual(wrong.slice(0, 5), Array(5).fill('400 NotAuthorizedException Incorrect username or password.'));
    assert.deepEqual(wrong.slice(5), Array(3).fill('400 NotAuthorizedException Password attempts exceeded'));
    // Locked, the right password is refused too, and the user is not moved in.
    assert.deepEqual(await probes(server, ann, GOOD_PASSWORD, 1), ['400 NotAuthorizedException Password attempts exceeded']);
    const admin = await adminOf(server);
    await assert.rejects(admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: ann })), { name: 'UserNotFoundException' });

    const unreachable = await migratingFrom(`http://127.0.0.1:${await closedPort()}/`, oldPool, oldClient);
    const cut = await probes(unreachable, ann, GOOD_PASSWORD, 3);
    const none = await probes(unreachable, uniqueEmail('migrate-none'), GOOD_PASSWORD, 3);
    assert.deepEqual(cut, none);
    assert.deepEqual(cut, Array(3).fill('400 NotAuthorizedException Incorrect username or password.'));
  });

  it('refuses half a migration setting', async () => {
    const r = await runCognate(['sandbox', '--migrate-from', oldServer.endpoint, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /lazy migration needs all three of --migrate-from, --migrate-pool and --migrate-client/);
  });
});
