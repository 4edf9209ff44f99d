// The signed admin operations driven by the AWS SDK for JavaScript v3 and boto3 against a real
// `cognate sandbox`, with the access key the sandbox keeps in .cognate/aws-credentials: reads,
// SDK v3's own clock-skew correction from the answer's Date header (in a child process whose
// clock is fast), requests changed after they were signed (a body byte, the operation) refused
// before any operation runs; and on two
// `cognate serve` nodes sharing PostgreSQL, a user disabled on one node cannot refresh on the
// other, a client created on one signs a user in on the other within a second, a pool created on
// one serves the other within a second (and, deleted, stops), and a key revoked
// with `cognate credentials revoke` is refused by both at once.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  SignUpCommand,
  InitiateAuthCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD, cognitoClient, rawCall, readCredentials, startSandbox, uniqueEmail,
} from './lib/cognate.mjs';
import { enrolledUser, rejectsWith, signUpConfirmed } from './lib/sign_in.mjs';
import { runCognate, startCluster } from './lib/cluster.mjs';

const execFileP = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const MISMATCH = 'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** An SDK v3 client that signs with `credentials`; `tamper(request)` runs after signing. */
function adminClient(endpoint, credentials, { tamper } = {}) {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  if (tamper) {
    // The deserialize step runs after signing (finalizeRequest), just before the request is sent.
    client.middlewareStack.add((next) => async (args) => {
      tamper(args.request);
      return next(args);
    }, { step: 'deserialize', name: 'tamperAfterSigning' });
  }
  return client;
}

describe('admin operations with SDK v3 and boto3 (sandbox)', () => {
  let server;
  let publicClient;
  let credentials;
  let email;
  let sub;
  before(async () => {
    server = await startSandbox();
    publicClient = cognitoClient(server.endpoint);
    credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    email = uniqueEmail('admin');
    sub = await signUpConfirmed(publicClient, server, email);
  });
  after(async () => {
    await server?.stop();
  });

  it('reads a user and lists users with the sandbox key', async () => {
    const admin = adminClient(server.endpoint, credentials);
    const user = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email }));
    assert.equal(user.Username, sub);
    assert.equal(user.UserStatus, 'CONFIRMED');
    assert.equal(user.Enabled, true);
    assert.ok(user.UserCreateDate instanceof Date, 'UserCreateDate parses as a date');
    assert.ok(Math.abs(user.UserCreateDate.getTime() - Date.now()) < 120_000);
    const listed = await admin.send(new ListUsersCommand({
      UserPoolId: server.poolId, Filter: `email = "${email}"`, AttributesToGet: ['email'],
    }));
    assert.equal(listed.Users.length, 1);
    assert.deepEqual(listed.Users[0].Attributes, [{ Name: 'email', Value: email }]);
    assert.equal(listed.PaginationToken, undefined, 'the last page carries no token');
  });

  it('SDK v3 on a machine whose clock is 10 minutes fast corrects it from Date and retries', async () => {
    // A child process whose Date.now() runs 10 minutes ahead, as on a badly set machine.
    const script = `
      const real = Date.now;
      Date.now = () => real() + 10 * 60_000;
      const { CognitoIdentityProviderClient, AdminGetUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const [endpoint, accessKeyId, secretAccessKey, UserPoolId, Username, maxAttempts] = process.argv.slice(1);
      const client = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint,
        credentials: { accessKeyId, secretAccessKey }, maxAttempts: Number(maxAttempts) });
      try {
        const u = await client.send(new AdminGetUserCommand({ UserPoolId, Username }));
        console.log(JSON.stringify({ ok: u.Username, attempts: u.$metadata.attempts }));
      } catch (e) {
        console.log(JSON.stringify({ error: e.name, message: e.message, attempts: e.$metadata?.attempts }));
      }`;
    const run = async (maxAttempts) => {
      const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script, server.endpoint,
        credentials.accessKeyId, credentials.secretAccessKey, server.poolId, email, String(maxAttempts)],
      { cwd: path.dirname(new URL(import.meta.url).pathname), timeout: 30_000 });
      return JSON.parse(stdout.trim());
    };
    assert.deepEqual(await run(3), { ok: sub, attempts: 2 }, 'one refused attempt, then the corrected one');
    const once = await run(1);
    assert.equal(once.error, 'InvalidSignatureException');
    assert.match(once.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
  });

  it('refuses a request changed after it was signed, before any operation runs', async () => {
    // A body byte: SDK v3 also sends the body's hash (x-amz-content-sha256), which no longer
    // matches (without that header the signature itself would not: the unit tests show both).
    const changedBody = adminClient(server.endpoint, credentials, {
      tamper: (request) => {
        const text = typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
        request.body = text.replace(email, email.toUpperCase());
      },
    });
    await rejectsWith(changedBody.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email })),
      'InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    // The operation swapped for another: X-Amz-Target is signed.
    const retargeted = adminClient(server.endpoint, credentials, {
      tamper: (request) => { request.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.AdminDeleteUser'; },
    });
    await rejectsWith(retargeted.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email })),
      'InvalidSignatureException', MISMATCH);
    const still = await adminClient(server.endpoint, credentials)
      .send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email }));
    assert.equal(still.Username, sub, 'the user is still there');
    // Another key's secret.
    const last = credentials.secretAccessKey.at(-1);
    const wrong = adminClient(server.endpoint, {
      ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(0, -1)}${last === 'x' ? 'y' : 'x'}`,
    });
    await rejectsWith(wrong.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email })),
      'InvalidSignatureException', MISMATCH);
  });

  it('answers an X-Amz-Date no clock can hold (year 6022, found by fuzzing) like any malformed one', async () => {
    for (const date of ['60221129T011242Z', '99991231T235959Z', '00010101T000000Z']) {
      const res = await rawCall(server.endpoint, 'ListUsers', { UserPoolId: server.poolId }, {
        headers: {
          'x-amz-date': date,
          authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${date.slice(0, 8)}/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
        },
      });
      assert.equal(res.status, 400, `${date}: ${res.text}`);
      assert.ok(res.json?.__type, `${date}: ${res.text}`);
    }
    const still = await adminClient(server.endpoint, credentials)
      .send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email }));
    assert.equal(still.Username, sub, 'the server still answers');
  });

  it('boto3 signs the same operations', async () => {
    const script = `
import sys, boto3
c = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
u = c.admin_get_user(UserPoolId=sys.argv[4], Username=sys.argv[5])
users = c.get_paginator("list_users").paginate(UserPoolId=sys.argv[4], PaginationConfig={"PageSize": 1})
n = sum(len(p["Users"]) for p in users)
try:
    c.admin_get_user(UserPoolId=sys.argv[4], Username="nobody@example.com")
    missing = "found"
except c.exceptions.UserNotFoundException as e:
    missing = e.response["Error"]["Message"]
print(u["Username"], u["UserStatus"], n, missing, sep="|")
`;
    const { stdout } = await execFileP(PYTHON, ['-c', script, server.endpoint, credentials.accessKeyId,
      credentials.secretAccessKey, server.poolId, email], { timeout: 30_000 });
    const [username, status, count, missing] = stdout.trim().split('|');
    assert.equal(username, sub);
    assert.equal(status, 'CONFIRMED');
    assert.ok(Number(count) >= 1, `boto3's paginator saw ${count} users`);
    assert.equal(missing, 'User does not exist.');
  });
});

describe('admin operations on two nodes (PostgreSQL)', { timeout: 75_000 }, () => {
  let cluster;
  let credentials;
  before(async () => {
    cluster = await startCluster({ tag: 'admin' });
    const created = await runCognate(['credentials', 'create', '--name', 'cluster-ops',
      '--database', cluster.databaseUrl, '--master-key-file', cluster.keyFile]);
    assert.equal(created.code, 0, created.stderr);
    credentials = {
      accessKeyId: created.stdout.match(/^access key id\s+(\S+)$/m)[1],
      secretAccessKey: created.stdout.match(/^secret access key\s+(\S+)$/m)[1],
    };
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a user disabled on node A cannot refresh on node B', async () => {
    const { a: A, b: B } = cluster;
    const user = await enrolledUser(A.client, A, 'disabled');
    await adminClient(A.endpoint, credentials).send(new AdminDisableUserCommand({
      UserPoolId: cluster.poolId, Username: user.email,
    }));
    await rejectsWith(B.client.send(new GetTokensFromRefreshTokenCommand({
      ClientId: cluster.clientId, RefreshToken: user.tokens.RefreshToken,
    })), 'NotAuthorizedException');
  });

  it('a client created on node A signs a user in on node B within a second', async () => {
    const { a: A, b: B } = cluster;
    const email = uniqueEmail('newclient');
    await signUpConfirmed(A.client, A, email);
    const created = await adminClient(A.endpoint, credentials).send(new CreateUserPoolClientCommand({
      UserPoolId: cluster.poolId, ClientName: 'backend',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const clientId = created.UserPoolClient.ClientId;
    const started = Date.now();
    let answer;
    for (;;) {
      try {
        answer = await B.client.send(new InitiateAuthCommand({
          ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: GOOD_PASSWORD },
        }));
        break;
      } catch (e) {
        assert.equal(e.name, 'ResourceNotFoundException', `${e.name}: ${e.message}`);
        assert.ok(Date.now() - started < 2500, 'node B did not learn of the client within 2.5 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // The seed pool requires TOTP: the first sign-in asks to set it up, through the new client.
    assert.equal(answer.ChallengeName, 'MFA_SETUP');
    assert.ok(Date.now() - started < 2500);
  });

  it('a pool made on node A serves node B within a second, its key shared; deleted on A, gone on B', async () => {
    const { a: A, b: B } = cluster;
    const onA = adminClient(A.endpoint, credentials);
    const { UserPool: pool } = await onA.send(new CreateUserPoolCommand({ PoolName: 'second' }));
    const { UserPoolClient: client } = await onA.send(new CreateUserPoolClientCommand({
      UserPoolId: pool.Id, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const email = uniqueEmail('secondpool');
    const started = Date.now();
    /** Retries `call` on node B while B has not yet loaded the change (`stale` error name). */
    const onceB = async (call, stale) => {
      for (;;) {
        try {
          return await call();
        } catch (e) {
          if (e.name !== stale) throw e;
          assert.ok(Date.now() - started < 2500, 'node B did not learn of the change within 2.5 s');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    await onceB(() => B.client.send(new SignUpCommand({ ClientId: client.ClientId, Username: email, Password: GOOD_PASSWORD })),
      'ResourceNotFoundException');
    await adminClient(B.endpoint, credentials).send(new AdminConfirmSignUpCommand({ UserPoolId: pool.Id, Username: email }));
    const signedIn = await B.client.send(new InitiateAuthCommand({
      ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: GOOD_PASSWORD },
    }));
    const [header, payload] = signedIn.AuthenticationResult.IdToken.split('.').slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
    assert.ok(payload.iss.endsWith(`/${pool.Id}`), payload.iss);
    // Node A publishes the key node B signed with: one key per pool, whichever node made it.
    const jwks = await (await fetch(`${A.endpoint}/${pool.Id}/.well-known/jwks.json`)).json();
    assert.deepEqual(jwks.keys.map((k) => k.kid), [header.kid]);
    await onA.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }));
    // Until B reloads, its old view finds no user (the rows went with the pool); then no client.
    const deletedAt = Date.now();
    for (;;) {
      const e = await B.client.send(new InitiateAuthCommand({
        ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: GOOD_PASSWORD },
      })).then(() => assert.fail('the deleted pool signed a user in'), (err) => err);
      if (e.name === 'ResourceNotFoundException') {
        assert.equal(e.message, `User pool client ${client.ClientId} does not exist.`);
        break;
      }
      assert.equal(e.name, 'NotAuthorizedException', `${e.name}: ${e.message}`);
      assert.ok(Date.now() - deletedAt < 2500, 'node B still served the deleted pool after 2.5 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('a key revoked with `cognate credentials revoke` is refused by both nodes at once', async () => {
    const { a: A, b: B } = cluster;
    for (const node of [A, B]) {
      await adminClient(node.endpoint, credentials).send(new ListUsersCommand({ UserPoolId: cluster.poolId, Limit: 1 }));
    }
    const revoked = await runCognate(['credentials', 'revoke', credentials.accessKeyId,
      '--database', cluster.databaseUrl, '--master-key-file', cluster.keyFile]);
    assert.equal(revoked.code, 0, revoked.stderr);
    for (const node of [A, B]) {
      await rejectsWith(adminClient(node.endpoint, credentials).send(new ListUsersCommand({ UserPoolId: cluster.poolId })),
        'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
  });
});
