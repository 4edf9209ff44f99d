// Moving users in from a Cognito user-import CSV: GetCSVHeader (SDK v3 and the AWS CLI) gives
// Cognito's columns; `cognate import` makes each good row a RESET_REQUIRED user with its
// attributes, reports bad rows by line and skips them (nothing half-imported), leaves users the
// pool has as they are (a re-run imports nothing twice), stops at malformed CSV keeping the rows
// before it; an imported user's first sign-in (SRP or password) answers
// PasswordResetRequiredException, ForgotPassword + ConfirmForgotPassword set a password, and the
// user then sets up TOTP and signs in. On a sandbox (SQLite, 100,000 rows while it serves) and on
// a `cognate serve` node over PostgreSQL.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GetCSVHeaderCommand,
  InitiateAuthCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD, cognitoClient, keygen, makeTempDir, readCredentials, removeDir, startSandbox,
  uniqueEmail, waitForEmail,
} from './lib/cognate.mjs';
import { completeTotpSetup, passwordAuth, rejectsWith, signUpConfirmed } from './lib/sign_in.mjs';
import { createDatabase, migrate, postgresUrl, runCognate, startNode } from './lib/cluster.mjs';

const execFileP = promisify(execFile);
const SANITIZED = process.env.COGNATE_TEST_SANITIZER === '1';
const MANY = SANITIZED ? 20_000 : 100_000; // rows of the large import (fewer under ASan)

/** A CSV line of `header`'s columns from `values` (a map); quoted as RFC 4180 says. */
function csvLine(header, values) {
  return header.map((column) => {
    const v = values[column] ?? '';
    return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }).join(',');
}

const row = (email, extra = {}) => ({
  'cognito:username': email.split('@')[0], email, email_verified: 'true', 'cognito:mfa_enabled': 'false', ...extra,
});

describe('cognate import (sandbox, SQLite)', () => {
  let server;
  let admin;
  let dir;
  let header;
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const alice = `import-alice-${tag}@example.com`;
  const bob = `import-bob-${tag}@example.com`;
  const carol = `import-carol-${tag}@example.com`;
  let existing;
  before(async () => {
    server = await startSandbox();
    dir = await makeTempDir('cognate-import-');
    const credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1 });
    existing = uniqueEmail('import-existing');
    await signUpConfirmed(cognitoClient(server.endpoint), server, existing);
  });
  after(async () => {
    await server?.stop();
    if (dir) {
      await removeDir(dir);
    }
  });

  const importFile = (file, timeoutMs = 60_000) =>
    runCognate(['import', '--dir', server.dataDir, file], { timeoutMs });

  it("GetCSVHeader gives Cognito's columns, to SDK v3 and the AWS CLI", async () => {
    const got = await admin.send(new GetCSVHeaderCommand({ UserPoolId: server.poolId }));
    assert.equal(got.UserPoolId, server.poolId);
    header = got.CSVHeader;
    assert.deepEqual(header.slice(0, 3), ['name', 'given_name', 'family_name']);
    assert.deepEqual(header.slice(-2), ['cognito:mfa_enabled', 'cognito:username']);
    for (const c of ['email', 'email_verified', 'phone_number', 'phone_number_verified', 'address', 'updated_at']) {
      assert.ok(header.includes(c), c);
    }
    const credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    const { stdout } = await execFileP('/usr/bin/aws', ['cognito-idp', 'get-csv-header', '--endpoint-url', server.endpoint,
      '--region', 'us-east-1', '--user-pool-id', server.poolId, '--output', 'json'], {
      env: { PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
      timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout).CSVHeader, header);
  });

  it('imports good rows as RESET_REQUIRED users, reports bad ones by line, and a re-run imports nothing twice', async () => {
    const lines = [
      header.join(','), // line 1
      csvLine(header, row(alice, { given_name: 'Alice', locale: 'fr' })), // 2
      csvLine(header, row(bob, { address: '1 Main St\nSpringfield' })), // 3–4
      csvLine(header, row('not-an-email')), // 5
      'too,few,fields', // 6
      csvLine(header, row(carol, { email_verified: 'false', 'cognito:mfa_enabled': 'TRUE' })), // 7
      csvLine(header, row(alice.toUpperCase(), { 'cognito:username': 'alice2' })), // 8
      csvLine(header, row(existing)), // 9
      csvLine(header, row(`import-dave-${tag}@example.com`, { gender: 'x'.repeat(3000) })), // 10
    ];
    const file = path.join(dir, 'users.csv');
    await fs.writeFile(file, `${lines.join('\r\n')}\r\n`);
    const first = await importFile(file);
    assert.equal(first.code, 1, `${first.stdout}${first.stderr}`);
    assert.match(first.stdout, new RegExp(`imported into ${server.poolId}: 3 users created .*, 1 already there .*, 4 rows refused`));
    assert.match(first.stdout, /1 users had cognito:mfa_enabled true/);
    const refused = first.stderr.split('\n').filter((l) => /^line \d+:/.test(l));
    assert.deepEqual(refused.map((l) => l.replace(/:.*/, '')), ['line 5', 'line 6', 'line 8', 'line 10'], first.stderr);
    assert.match(first.stderr, /^line 5: email is not an email address$/m);
    assert.match(first.stderr, new RegExp(`^line 6: 3 fields where the header has ${header.length}$`, 'm'));
    assert.match(first.stderr, /^line 8: the same email as line 2$/m);
    assert.match(first.stderr, /^line 10: .*gender/m);

    const a = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: alice }));
    assert.equal(a.UserStatus, 'RESET_REQUIRED');
    const attrs = Object.fromEntries(a.UserAttributes.map((x) => [x.Name, x.Value]));
    assert.equal(attrs.given_name, 'Alice');
    assert.equal(attrs.locale, 'fr');
    assert.equal(attrs.email, alice);
    assert.equal(attrs.email_verified, 'true');
    assert.match(attrs.sub, /^[0-9a-f-]{36}$/);
    const b = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: bob }));
    assert.equal(Object.fromEntries(b.UserAttributes.map((x) => [x.Name, x.Value])).address, '1 Main St\nSpringfield');
    const e = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: existing }));
    assert.equal(e.UserStatus, 'CONFIRMED', 'the user the pool had is left as it was');
    await rejectsWith(admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: `import-dave-${tag}@example.com` })),
      'UserNotFoundException');

    const again = await importFile(file);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /: 0 users created .*, 4 already there .*, 4 rows refused/);
  });

  it("an imported user's first sign-in asks for a reset; after it, TOTP set-up and tokens", async () => {
    const client = cognitoClient(server.endpoint);
    await rejectsWith(passwordAuth(client, server, alice, 'Whatever-passw0rd'), 'PasswordResetRequiredException', 'Password reset required for the user');
    await rejectsWith(client.send(new InitiateAuthCommand({
      ClientId: server.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: alice, SRP_A: 'ab'.repeat(384) },
    })), 'PasswordResetRequiredException');
    await client.send(new ForgotPasswordCommand({ ClientId: server.clientId, Username: alice }));
    const mail = await waitForEmail(server.outbox, alice);
    await client.send(new ConfirmForgotPasswordCommand({
      ClientId: server.clientId, Username: alice, ConfirmationCode: mail.code, Password: GOOD_PASSWORD,
    }));
    const challenge = await passwordAuth(client, server, alice);
    assert.equal(challenge.ChallengeName, 'MFA_SETUP');
    const { result } = await completeTotpSetup(client, server, challenge);
    assert.ok(result.AuthenticationResult?.AccessToken);
    const a = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: alice }));
    assert.equal(a.UserStatus, 'CONFIRMED');
  });

  it('stops at malformed CSV, keeping the rows before it', async () => {
    const first = `import-before-bad-${tag}@example.com`;
    const file = path.join(dir, 'broken.csv');
    await fs.writeFile(file, [header.join(','), csvLine(header, row(first)), `x"y,${csvLine(header, row('z@example.com')).slice(1)}`, ''].join('\n'));
    const r = await importFile(file);
    assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /line 3: malformed CSV: a quote inside an unquoted field, or text after a closing quote; nothing after it was read/);
    assert.match(r.stdout, /: 1 users created/);
    const u = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: first }));
    assert.equal(u.UserStatus, 'RESET_REQUIRED');

    const unknownColumn = path.join(dir, 'columns.csv');
    await fs.writeFile(unknownColumn, 'cognito:username,email,shoe_size\nx,x@example.com,9\n');
    const c = await importFile(unknownColumn);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /line 1: column shoe_size \(the 3th\) is not an attribute of this pool/);
  });

  it(`imports ${MANY.toLocaleString('en')} rows while the sandbox serves`, async (t) => {
    const file = path.join(dir, 'many.csv');
    const handle = await fs.open(file, 'w');
    await handle.write(`${header.join(',')}\n`);
    const chunk = [];
    for (let i = 0; i < MANY; i++) {
      chunk.push(csvLine(header, row(`bulk-${i}-${tag}@example.com`, { name: `User ${i}` })));
      if (chunk.length === 10_000) {
        await handle.write(`${chunk.join('\n')}\n`);
        chunk.length = 0;
      }
    }
    await handle.write(chunk.length ? `${chunk.join('\n')}\n` : '');
    await handle.close();
    const started = Date.now();
    const r = await importFile(file, 300_000);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${MANY} rows (${((await fs.stat(file)).size / 1e6).toFixed(1)} MB) imported in ${seconds.toFixed(1)} s`);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, new RegExp(`: ${MANY} users created`));
    assert.match(r.stderr, /^100% read, \d+ rows$/m, 'progress lines');
    const middle = `bulk-${Math.floor(MANY / 2)}-${tag}@example.com`;
    const listed = await admin.send(new ListUsersCommand({ UserPoolId: server.poolId, Filter: `email = "${middle}"` }));
    assert.equal(listed.Users.length, 1);
    assert.equal(listed.Users[0].UserStatus, 'RESET_REQUIRED');
    // The server still serves its users meanwhile and after.
    const late = uniqueEmail('import-after-bulk');
    await signUpConfirmed(cognitoClient(server.endpoint), server, late);
  });
});

describe('cognate import (PostgreSQL)', () => {
  let node;
  let db;
  let dir;
  after(async () => {
    await node?.stop();
    await db?.drop();
    if (dir) {
      await removeDir(dir);
    }
  });

  it('imports into a PostgreSQL database a node serves; the imported user is asked to reset', async () => {
    dir = await makeTempDir('cognate-import-pg-');
    db = await createDatabase('import', postgresUrl());
    await migrate(db.url);
    const keyFile = await keygen(path.join(dir, 'master.key'));
    node = await startNode({ databaseUrl: db.url, keyFile, mailDir: path.join(dir, 'mail'), cwd: dir, label: 'import-pg',
      extraArgs: ['--rate-limit', 'off', '--allow-user-password-auth'] });
    const header = ['cognito:username', 'email', 'email_verified', 'given_name', 'cognito:mfa_enabled'];
    const email = `import-pg-${process.pid}@example.com`;
    const file = path.join(dir, 'users.csv');
    await fs.writeFile(file, `${header.join(',')}\nerin,${email},true,Erin,false\nbad,nope,true,,false\n`);
    const r = await runCognate(['import', '--database', db.url, file], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /: 1 users created .*, 0 already there .*, 1 rows refused/);
    assert.match(r.stderr, /^line 3: email is not an email address$/m);
    await rejectsWith(passwordAuth(node.client, node, email, 'Any-passw0rd'), 'PasswordResetRequiredException');
    const again = await runCognate(['import', '--database', db.url, file], { timeoutMs: 60_000 });
    assert.match(again.stdout, /: 0 users created .*, 1 already there/);
  });
});
