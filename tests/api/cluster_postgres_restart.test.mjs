// `cognate serve` nodes and PostgreSQL going away under them: serve refuses an unmigrated database
// (naming `cognate migrate`), and two nodes on a PostgreSQL cluster of their own (scripts/
// pg-cluster) keep serving a stream of sign-ups and confirmations while PostgreSQL restarts in the
// middle of it. Requests during the outage may fail, but only with InternalErrorException (HTTP
// 500); nothing half-done is left behind (a failed confirmation can be retried, every accepted
// sign-up's mail arrives), every confirmed user can sign in on both nodes afterwards, and the
// nodes recover by themselves (same processes, never restarted).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, SEED_CONFIG, keygen, makeTempDir, removeDir, sleep, uniqueEmail, waitForEmail } from './lib/cognate.mjs';
import { passwordAuth } from './lib/sign_in.mjs';
import {
  createDatabase, migrate, outcome, pgCluster, runCognate, startCluster, startNode, tally,
} from './lib/cluster.mjs';

describe('serve on an unmigrated PostgreSQL database', { timeout: 30_000 }, () => {
  let db;
  let dir;

  before(async () => {
    dir = await makeTempDir('cognate-unmigrated-');
    db = await createDatabase('unmigrated');
  });

  after(async () => {
    await db?.drop();
    await removeDir(dir);
  });

  it('refuses to start, naming `cognate migrate`; starts once migrated', async () => {
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const args = [
      'serve', '--config', SEED_CONFIG, '--database', db.url, '--master-key-file', keyFile,
      '--mail-dir', path.join(dir, 'mail'), '--listen', '127.0.0.1:0',
    ];
    const refused = await runCognate(args, { cwd: dir, timeoutMs: 15_000 });
    const text = refused.stdout + refused.stderr;
    assert.notEqual(refused.code, 0, `a non-zero exit status:\n${text}`);
    assert.match(text, /cognate migrate/, 'the message names `cognate migrate`');
    assert.doesNotMatch(text, /listening on/);

    await migrate(db.url);
    // Once migrated, the same command starts.
    const node = await startNode({ databaseUrl: db.url, keyFile, mailDir: path.join(dir, 'mail'), cwd: dir, label: 'migrated' });
    try {
      assert.match(node.poolId, /^us-east-1_/);
    } finally {
      await node.stop();
    }
  });
});

describe('cluster: PostgreSQL restarts in the middle of a stream of requests', { timeout: 80_000 }, () => {
  const USERS = 30;
  const WORKERS = 3;
  const PACE_MS = 120; // per worker, between users: the stream lasts a few seconds
  const RESTART_AFTER_USERS = 9;

  let tmp;
  let pgDir;
  let cluster;

  before(async () => {
    tmp = await makeTempDir('cognate-pgrestart-');
    pgDir = path.join(tmp, 'pg');
    const url = await pgCluster('start', pgDir);
    // The stream comes from one address faster than serve's per-address sign-up limit allows:
    // rate limits are another test's subject (rate_limits.test.mjs).
    cluster = await startCluster({ tag: 'pgrestart', databaseUrl: url, extraArgs: ['--rate-limit', 'off'] });
  });

  after(async () => {
    await cluster?.stop();
    if (pgDir) {
      await pgCluster('stop', pgDir).catch(() => {});
    }
    await removeDir(tmp);
  });

  /** `perNode` SignUps on every node, all at once; resolves to their outcomes (with .what). */
  const signUpBurst = (perNode, tag) => Promise.all(cluster.nodes.flatMap((node) =>
    Array.from({ length: perNode }, async () => {
      const email = uniqueEmail(tag);
      const o = await outcome(node.client.send(new SignUpCommand({
        ClientId: node.clientId, Username: email, Password: GOOD_PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      })));
      return { what: `SignUp ${email} on ${node.label}`, ...o };
    })));
  const describeFailures = (outcomes) => outcomes.filter((o) => !o.ok).map((o) => `${o.what}: ${o.name}: ${o.message} (HTTP ${o.status})`);
  const postgresLogLines = () => cluster.nodes.map((n) => `--- ${n.label} (pid ${n.pid}) log lines about PostgreSQL ---\n` +
    `${n.output()}\n${n.errorOutput()}`.split('\n').filter((l) => /internal error|reconnect/i.test(l)).slice(-20).join('\n')).join('\n');

  it('serves every request once PostgreSQL is back after a restart while the nodes were idle', async () => {
    const warm = await signUpBurst(4, 'pgidle-warm');
    assert.deepEqual(describeFailures(warm), [], 'all served before the restart');
    await pgCluster('restart', pgDir);
    const back = Date.now();
    await sleep(1_500); // PostgreSQL is up again (pg_ctl -w); the nodes' outbox workers have polled meanwhile
    const first = await signUpBurst(6, 'pgidle-first');
    const firstAt = Date.now() - back;
    const second = await signUpBurst(6, 'pgidle-second');
    const logs = postgresLogLines();
    // The nodes recover by themselves: the second burst is served in full.
    assert.deepEqual(describeFailures(second), [], `second burst after the restart\n${logs}`);
    // Regression: pooled connections the server closed while idle are only noticed when used
    // (libpq still says CONNECTION_OK); a BEGIN that fails that way is run again on a reconnected
    // connection (nothing ran yet), so no request fails once PostgreSQL is up.
    assert.deepEqual(describeFailures(first), [],
      `first burst (${first.length} SignUps at once, ~${firstAt} ms after PostgreSQL was back): every one served\n${logs}`);
  });

  it('serves sign-ups and confirmations across a restart; failures are HTTP 500 only; every confirmed user signs in on both nodes', async () => {
    const pids = cluster.nodes.map((n) => n.pid);
    const calls = []; // every request: { step, node, at, ok, name, message, status }
    const call = async (node, step, promise) => {
      const at = Date.now();
      const o = await outcome(promise);
      calls.push({ step, node: node.label, at, ok: o.ok, name: o.name, message: o.message, status: o.status });
      return o;
    };

    const users = Array.from({ length: USERS }, (_, i) => ({
      i,
      email: uniqueEmail('pgrestart'),
      signUpNode: cluster.nodes[i % 2],
      confirmNode: cluster.nodes[(i + 1) % 2],
    }));
    let done = 0;
    let restart = null; // { started, finished }

    async function runUser(u) {
      const signUp = await call(u.signUpNode, 'SignUp', u.signUpNode.client.send(new SignUpCommand({
        ClientId: u.signUpNode.clientId, Username: u.email, Password: GOOD_PASSWORD,
        UserAttributes: [{ Name: 'email', Value: u.email }],
      })));
      u.signedUp = signUp.ok;
      if (!signUp.ok) {
        return;
      }
      // An accepted sign-up's mail is in the outbox: it must arrive even across the restart.
      u.mail = await waitForEmail(cluster.mailDir, u.email, { timeoutMs: 25_000 });
      const confirm = await call(u.confirmNode, 'ConfirmSignUp', u.confirmNode.client.send(new ConfirmSignUpCommand({
        ClientId: u.confirmNode.clientId, Username: u.email, ConfirmationCode: u.mail.code,
      })));
      u.confirmed = confirm.ok;
    }

    const queue = [...users];
    const workers = Array.from({ length: WORKERS }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) {
        await runUser(u);
        done += 1;
        await sleep(PACE_MS);
      }
    });
    const restarter = (async () => {
      const deadline = Date.now() + 30_000;
      while (done < RESTART_AFTER_USERS) {
        if (Date.now() > deadline) {
          throw new Error(`only ${done} users done after 30 s; PostgreSQL not restarted`);
        }
        await sleep(20);
      }
      const started = Date.now();
      await pgCluster('restart', pgDir);
      restart = { started, finished: Date.now(), doneBefore: RESTART_AFTER_USERS, doneAfter: done };
    })();
    await Promise.all([...workers, restarter]);

    const failures = calls.filter((c) => !c.ok);
    const nodeLogs = () => cluster.nodes.map((n) => `--- ${n.label} (pid ${n.pid}) log lines about PostgreSQL ---\n` +
      `${n.output()}\n${n.errorOutput()}`.split('\n')
        .filter((l) => /internal error|reconnect|PostgreSQL|postgres/i.test(l)).slice(-40).join('\n')).join('\n');
    const summary = () => `restart of PostgreSQL: ${JSON.stringify(restart)} (Unix ms); ${calls.length} requests in the stream, ` +
      `outcomes ${JSON.stringify(tally(calls.map((c) => (c.ok ? { ok: true } : c))))}; failures (ms after the restart began):\n` +
      failures.map((c) => `  +${c.at - restart.started} ms ${c.step} on ${c.node}: ${c.name} ${c.message} (HTTP ${c.status})`).join('\n') +
      `\n${nodeLogs()}`;
    // Informational: the run's output shows how the outage went.
    console.log(summary());

    // Phase 1, the stream: requests during the outage fail fast, only as InternalErrorException (HTTP 500).
    for (const f of failures) {
      assert.equal(`${f.name} ${f.status}`, 'InternalErrorException 500', `only HTTP 500 InternalErrorException:\n${summary()}`);
    }
    assert.ok(users.filter((u) => u.confirmed).length >= USERS / 3, `a good part of the users got through:\n${summary()}`);
    // The stream went on after the restart: requests started after PostgreSQL was back succeeded.
    const afterRestart = calls.filter((c) => c.at > restart.finished);
    assert.ok(afterRestart.filter((c) => c.ok).length >= 6, `requests served after the restart:\n${summary()}`);

    // Phase 2, PostgreSQL has been back for a while: every request must succeed now, on both nodes,
    // including bursts that use all of a node's pooled connections at once.
    // (The same regression: a pooled connection unused since the restart must not fail a request.)
    await sleep(300);
    const phase2Start = Date.now();
    const phase2 = [];

    // A confirmation that failed in the stream left nothing half-done: retrying it now works.
    for (const u of users.filter((x) => x.signedUp && !x.confirmed)) {
      const retry = await outcome(u.confirmNode.client.send(new ConfirmSignUpCommand({
        ClientId: u.confirmNode.clientId, Username: u.email, ConfirmationCode: u.mail.code,
      })));
      phase2.push({ what: `retried ConfirmSignUp of ${u.email} on ${u.confirmNode.label}`, expect: undefined, ...retry });
      u.confirmed = retry.ok;
    }
    // Every confirmed user is there and the password check works, on both nodes (all at once).
    const confirmed = users.filter((u) => u.confirmed);
    const signIns = await Promise.all(confirmed.flatMap((u) => cluster.nodes.map(async (node) => {
      const o = await outcome(passwordAuth(node.client, node, u.email));
      return { what: `USER_PASSWORD_AUTH of ${u.email} on ${node.label}`, expect: 'MFA_SETUP', ...o };
    })));
    phase2.push(...signIns);
    const phase2Failed = phase2.filter((o) => !o.ok || o.value.ChallengeName !== o.expect);
    assert.deepEqual(phase2Failed.map((o) => `${o.what}: ${o.ok ? o.value.ChallengeName : `${o.name}: ${o.message}`}`), [],
      `${phase2.length} requests from ${phase2Start - restart.finished} ms after PostgreSQL was back; ` +
      `every one must succeed (MFA_SETUP for the sign-ins)\n${summary()}`);
    assert.ok(confirmed.length >= USERS / 2, `most users are confirmed in the end:\n${summary()}`);

    // Same processes throughout: never restarted, still running.
    assert.deepEqual(cluster.nodes.map((n) => n.pid), pids);
    for (const node of cluster.nodes) {
      assert.equal(node.exitInfo(), null, `${node.label} exited:\n${node.logs()}`);
      assert.ok(node.alive(), `${node.label} (pid ${node.pid}) is running`);
    }
  });
});
