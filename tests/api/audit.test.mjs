// The audit trail for operators: `cognate audit` lists a real journey's security events (sign-up,
// confirmation, TOTP enrolment, sign-ins, a token revoked, a lockout), newest first, as text or JSON, for one user
// (by email or sub) or everyone, limited in time and count; events older than --audit-retention
// are swept (at start, then every minute).

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { keygen, makeTempDir, removeDir, waitFor } from './lib/cognate.mjs';
import { answerTotp, enrolledUser, passwordAuth } from './lib/sign_in.mjs';
import { runCognate, startNode } from './lib/cluster.mjs';

describe('cognate audit', () => {
  let dir;
  let node;
  after(async () => {
    await node?.stop();
    if (dir) {
      await removeDir(dir);
    }
  });

  it("lists a journey's security events, filters them, and sweeps them after the retention", async () => {
    dir = await makeTempDir('cognate-audit-');
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const database = `sqlite:${path.join(dir, 'cognate.db')}`;
    const start = (extraArgs = []) => startNode({ databaseUrl: database, keyFile, mailDir: path.join(dir, 'mail'), cwd: dir, label: 'audit', extraArgs: ['--rate-limit', 'off', ...extraArgs] });
    node = await start();
    const alice = await enrolledUser(node.client, node, 'audit-alice');
    const bob = await enrolledUser(node.client, node, 'audit-bob');
    const c = await passwordAuth(node.client, node, alice.email);
    const signedIn = await answerTotp(node.client, node, c, alice.email, await alice.device.next());
    await node.client.send(new RevokeTokenCommand({ ClientId: node.clientId, Token: signedIn.AuthenticationResult.RefreshToken }));
    for (let i = 0; i < 5; i++) {
      await passwordAuth(node.client, node, alice.email, 'Wrong-passw0rd!').catch(() => {});
    }

    const audit = async (...args) => {
      const r = await runCognate(['audit', '--database', database, ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r;
    };
    const json = async (...args) => (await audit('--json', ...args)).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

    const mine = await json('--user', alice.email);
    const events = mine.map((e) => e.event);
    // Newest first: the fifth wrong password (written after the lockout it caused, in its
    // transaction), the lockout, the other sign-ins, TOTP, confirmation, sign-up.
    assert.deepEqual(events.slice(0, 2), ['sign_in', 'lockout'], events.join(','));
    assert.deepEqual(mine[0].detail, { response: 'Fail', failure: 'wrong_password', password: 'Failure', client: node.clientId, ip: '127.0.0.1', user_agent: mine[0].detail.user_agent });
    assert.match(mine[0].detail.user_agent, /aws-sdk-js/);
    for (const want of ['sign_up', 'confirm_sign_up', 'totp_enabled', 'sign_in', 'revoke_token', 'lockout']) {
      assert.ok(events.includes(want), `${want} in ${events.join(',')}`);
    }
    assert.ok(events.indexOf('sign_up') > events.indexOf('totp_enabled'), 'newest first');
    assert.ok(mine.every((e) => e.user === alice.sub && e.pool === node.poolId && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e.time)));
    assert.ok(mine.every((e) => typeof e.detail === 'object'), 'details are JSON objects');
    assert.deepEqual((await json('--user', alice.sub)).map((e) => e.event), events, 'by sub as by email');
    const everyone = await json();
    assert.ok(everyone.some((e) => e.user === bob.sub) && everyone.some((e) => e.user === alice.sub));
    assert.equal((await json('--limit', '2')).length, 2);
    assert.equal((await json('--pool', 'us-east-1_Nope')).length, 0);
    const text = await audit('--user', alice.email);
    assert.match(text.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  ${node.poolId}\\s+${alice.sub}\\s+sign_in`, 'm'));
    assert.match(text.stderr, /^\d+ event\(s\)/m);
    const unknown = await runCognate(['audit', '--database', database, '--user', 'nobody@example.com']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no user nobody@example\.com in pool/);
    await node.stop();

    // A retention of 1 s: the sweep at start removes everything older.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    node = await start(['--audit-retention', '1s']);
    await waitFor(async () => (await json()).length === 0, { what: 'the retention sweep at start' });
  });
});
