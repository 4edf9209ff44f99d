// Master-key rotation while serving (`cognate keys rotate-master`), on SQLite and on PostgreSQL:
//
// 1. A node with the old key gets users with password + TOTP, an operator access key, a user
//    whose emailed sign-up code is not used yet, and a sign-in waiting at its SOFTWARE_TOKEN_MFA
//    challenge (a sealed Session).
// 2. The node restarts with --master-key-file NEW --previous-master-key-file OLD. Under a load
//    of new users signing up, confirming and setting up TOTP (and sign-ins of the first users),
//    rotate-master runs one value per transaction; the first run is killed (SIGKILL) once it has
//    started, the second goes on and finishes. Every call of the load succeeds meanwhile.
// 3. No value in the database is sealed with the old key any more (read with the engine's own
//    client), a third run has nothing to do, and a node given only the old key refuses to start,
//    saying which key the database needs.
// 4. The node restarts with the new key alone: every user (from before and from the load) signs
//    in with password + TOTP, the waiting challenge is answered, the old emailed code confirms
//    (keyed hashes survive: they hang on the hash root, not the master key), the operator access
//    key signs an admin call, and a new sign-up goes through.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  COGNATE_BIN, GOOD_PASSWORD, SEED_CONFIG, keygen, masterKeyId, makeTempDir, removeDir, waitFor, waitForEmail,
} from './lib/cognate.mjs';
import { answerTotp, enrolledUser, passwordAuth } from './lib/sign_in.mjs';
import { PSQL, PYTHON, createDatabase, migrate, postgresUrl, runCognate, startNode } from './lib/cluster.mjs';

const execFileP = promisify(execFile);

const FIRST_USERS = 10;    // enrolled under the old key
const LOAD_WORKERS = 6;    // new users in flight during the rotation
const LOAD_LIMIT_MS = 60_000;
const WAITING_SRP = 200;   // sealed challenge Sessions left for the rotation after the kill

// Each sealed column, and its table, as pool/master_keys.h re-seals them.
const SEALED = [
  ['users', 'srp_verifier'], ['user_factors', 'secret'], ['auth_sessions', 'state'],
  ['outbox', 'payload'], ['signing_keys', 'private_pem'], ['app_clients', 'secret'],
  ['operator_credentials', 'secret'], ['sealed_settings', 'value'],
];

/** Sealed values per key id in the whole database, read with the engine's own client. */
async function sealedByKey(database) {
  const union = SEALED.map(([t, c]) =>
    `SELECT substr(${c}, 1, 8) AS id FROM ${t} WHERE ${c} <> ''`).join(' UNION ALL ');
  const sql = `SELECT id, count(*) FROM (${union}) AS v GROUP BY id ORDER BY id`;
  let text;
  if (database.startsWith('sqlite:')) {
    const script = 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\n' +
      'for r in c.execute(sys.argv[2]): print(f"{r[0]}|{r[1]}")';
    ({ stdout: text } = await execFileP(PYTHON, ['-c', script, database.slice(7), sql], { timeout: 15_000 }));
  } else {
    ({ stdout: text } = await execFileP(PSQL, [database, '-X', '-q', '-A', '-t', '-c', sql], { timeout: 15_000 }));
  }
  return Object.fromEntries(text.trim().split('\n').filter(Boolean).map((l) => {
    const [id, n] = l.split('|');
    return [id, Number(n)];
  }));
}

/** Starts `cognate keys rotate-master`; resolves to { proc, result: Promise<{code, signal, out}> }. */
function startRotation(database, oldKey, newKey, batch) {
  const args = ['keys', 'rotate-master', '--database', database, '--master-key-file', oldKey,
    '--new-key-file', newKey, '--batch', String(batch)];
  const proc = spawn(COGNATE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
  proc.stderr.setEncoding('utf8').on('data', (c) => { out += c; });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const result = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out: () => out });
    });
  });
  return { proc, out: () => out, result };
}

async function rotationScenario(database, dir, running) {
  const mailDir = path.join(dir, 'mail');
  const oldKey = await keygen(path.join(dir, 'old.key'));
  const newKey = await keygen(path.join(dir, 'new.key'));
  const [oldId, newId] = [await masterKeyId(oldKey), await masterKeyId(newKey)];
  const node = (keyFile, extraArgs = [], label = 'node') =>
    startNode({ databaseUrl: database, keyFile, mailDir, cwd: dir, label, extraArgs: ['--rate-limit', 'off', ...extraArgs] });

  // 1. Secrets under the old key.
  let server = await node(oldKey, [], 'old key');
  running.push(() => server.stop());
  const first = await Promise.all(Array.from({ length: FIRST_USERS }, (_, i) =>
    enrolledUser(server.client, server, `before-${i}`)));
  const created = await runCognate(['credentials', 'create', '--database', database,
    '--master-key-file', oldKey, '--name', 'rotation-test']);
  assert.equal(created.code, 0, created.stderr);
  const accessKeyId = /access key id\s+(\S+)/.exec(created.stdout)?.[1];
  const secretAccessKey = /secret access key\s+(\S+)/.exec(created.stdout)?.[1];
  assert.ok(accessKeyId && secretAccessKey, created.stdout);
  const unconfirmed = `unconfirmed-${process.pid}@example.com`;
  await server.client.send(new SignUpCommand({
    ClientId: server.clientId, Username: unconfirmed, Password: GOOD_PASSWORD,
    UserAttributes: [{ Name: 'email', Value: unconfirmed }],
  }));
  const code = (await waitForEmail(mailDir, unconfirmed)).code;
  const waiting = first[0];
  const challenge = await passwordAuth(server.client, server, waiting.email);
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  // Work enough for the rotation that a kill on cue always lands midway: SRP challenges waiting
  // for their proof, each a Session sealed with the old key (one transaction each at --batch 1).
  for (let i = 0; i < WAITING_SRP; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, j) => server.client.send(new InitiateAuthCommand({
      ClientId: server.clientId, AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: first[(i + j) % FIRST_USERS].email, SRP_A: 'ab'.repeat(384) },
    }))));
  }
  const before = await sealedByKey(database);
  assert.deepEqual(Object.keys(before), [oldId], `everything is sealed with the old key: ${JSON.stringify(before)}`);
  await server.stop();

  // 2. Both keys; rotate under load.
  server = await node(newKey, ['--previous-master-key-file', oldKey], 'new + previous key');
  const loadUsers = [];
  const loadFailures = [];
  let stop = false;
  const started = Date.now();
  const worker = async (w) => {
    for (let i = 0; !stop && Date.now() - started < LOAD_LIMIT_MS; i++) {
      try {
        loadUsers.push(await enrolledUser(server.client, server, `load-${w}-${i}`));
        // Sign-ins of the first users (challenge only: their TOTP steps are kept for the end; not
        // the one whose challenge waits).
        const c = await passwordAuth(server.client, server, first[1 + ((w + i) % (FIRST_USERS - 1))].email);
        assert.equal(c.ChallengeName, 'SOFTWARE_TOKEN_MFA');
      } catch (e) {
        loadFailures.push(`${e.name}: ${e.message}`);
      }
    }
  };
  const load = Array.from({ length: LOAD_WORKERS }, (_, w) => worker(w));
  const loadGoing = (n) => () => {
    if (loadFailures.length > 0) {
      throw new Error(`the load failed: ${loadFailures.slice(0, 3).join(' | ')}`);
    }
    return loadUsers.length >= n;
  };
  let killed;
  let midway;
  let finished;
  try {
    await waitFor(loadGoing(4), { timeoutMs: 30_000, what: 'the load to get going' });

    const interrupted = startRotation(database, oldKey, newKey, 1);
    // Killed as it starts on the TOTP secrets: the verifiers are done, the rest is not (the
    // WAITING_SRP Sessions alone are that many transactions more).
    await waitFor(() => /user_factors\.secret +\d+ to re-seal/.test(interrupted.out()),
      { timeoutMs: 15_000, intervalMs: 1, what: 'rotate-master to reach the TOTP secrets' });
    interrupted.proc.kill('SIGKILL');
    killed = await interrupted.result;
    midway = await sealedByKey(database);
    finished = await startRotation(database, oldKey, newKey, 3).result;
    const usersDuringRotation = loadUsers.length;
    await waitFor(loadGoing(usersDuringRotation + 2), { timeoutMs: 30_000, what: 'more load after the rotation' });
  } finally {
    stop = true;
    await Promise.all(load);
  }
  assert.deepEqual(loadFailures, [], 'every call of the load succeeded during the rotation');
  assert.equal(finished.code, 0, finished.out());
  assert.match(finished.out(), new RegExp(`done: [1-9]\\d* values re-sealed; nothing in the database needs key ${oldId}`));

  // 3. Nothing left under the old key; a re-run has nothing to do; the old key alone is refused.
  assert.equal(killed.signal, 'SIGKILL', `the first run was to be killed midway:\n${killed.out()}`);
  assert.ok(midway[oldId] > 0 && midway[newId] > 0, `midway, both keys: ${JSON.stringify(midway)}`);
  const after = await sealedByKey(database);
  assert.deepEqual(Object.keys(after), [newId], `after: ${JSON.stringify(after)}`);
  const again = await startRotation(database, oldKey, newKey, 100).result;
  assert.equal(again.code, 0, again.out());
  assert.match(again.out(), /done: 0 values re-sealed/);
  await server.stop();
  const refused = await runCognate(['serve', '--config', SEED_CONFIG, '--database', database,
    '--master-key-file', oldKey, '--mail-dir', mailDir, '--listen', '127.0.0.1:0'], { cwd: dir });
  assert.notEqual(refused.code, 0, 'a node with only the old key must not start');
  assert.match(refused.stderr, new RegExp(`sealed with master key ${newId}, which is not among the keys given \\(${oldId}\\)`));

  // 4. The new key alone.
  server = await node(newKey, [], 'new key only');
  const answered = await answerTotp(server.client, server, challenge, waiting.email, await waiting.device.next());
  assert.ok(answered.AuthenticationResult?.AccessToken, 'the challenge begun under the old key is answered');
  const everyone = [...first.slice(1), ...loadUsers];
  await Promise.all(everyone.map(async (u) => {
    const c = await passwordAuth(server.client, server, u.email);
    assert.equal(c.ChallengeName, 'SOFTWARE_TOKEN_MFA', u.email);
    const done = await answerTotp(server.client, server, c, u.email, await u.device.next());
    assert.ok(done.AuthenticationResult?.AccessToken, `${u.email} signs in with password + TOTP`);
  }));
  await server.client.send(new ConfirmSignUpCommand({ ClientId: server.clientId, Username: unconfirmed, ConfirmationCode: code }));
  const admin = new CognitoIdentityProviderClient({
    region: 'us-east-1', endpoint: server.endpoint, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey },
  });
  const got = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: unconfirmed }));
  assert.equal(got.UserStatus, 'CONFIRMED');
  admin.destroy();
  const late = await enrolledUser(server.client, server, 'after');
  assert.ok(late.tokens.AccessToken);
  await server.stop();
  return { users: everyone.length + 1, load: loadUsers.length, killed, midway, after };
}

describe('cognate keys rotate-master', () => {
  const cleanups = [];
  after(async () => {
    for (const c of cleanups.reverse()) {
      await c();
    }
  });

  it('re-seals every secret of a SQLite database while serving', async (t) => {
    const dir = await makeTempDir('cognate-rotate-');
    cleanups.push(() => removeDir(dir));
    const r = await rotationScenario(`sqlite:${path.join(dir, 'cognate.db')}`, dir, cleanups);
    t.diagnostic(`${r.users} users signed in with the new key only (${r.load} made during the rotation); ` +
      `first run ${r.killed.signal ?? `exit ${r.killed.code}`}, midway ${JSON.stringify(r.midway)}, after ${JSON.stringify(r.after)}`);
  });

  it('re-seals every secret of a PostgreSQL database while serving', async (t) => {
    const dir = await makeTempDir('cognate-rotate-pg-');
    cleanups.push(() => removeDir(dir));
    const db = await createDatabase('rotate', postgresUrl());
    cleanups.push(() => db.drop());
    await migrate(db.url);
    const r = await rotationScenario(db.url, dir, cleanups);
    t.diagnostic(`${r.users} users signed in with the new key only (${r.load} made during the rotation); ` +
      `first run ${r.killed.signal ?? `exit ${r.killed.code}`}, midway ${JSON.stringify(r.midway)}, after ${JSON.stringify(r.after)}`);
  });
});
