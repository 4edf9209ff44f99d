// Running it in production: a real `cognate serve` with --metrics-listen and --log-format json.
//
// - /metrics is scraped before and after real traffic and parsed with Prometheus' own parser
//   (Debian's python3-prometheus-client): the numbers move by exactly what was sent (calls by
//   operation and outcome, their latency histogram, sign-in outcomes — success, challenge, wrong
//   password, wrong MFA code, replayed MFA code, locked —, TOTP enrolments, emails sent, store
//   transactions), and the gauges are there (outbox, signing-key age, process, build info).
// - /healthz and /readyz answer on both listeners; /readyz says 503 and why once the outbox is
//   stuck (an SMTP server that is not there, --outbox-stuck-after 1s); the metrics listener
//   answers nothing else, and the public one has no /metrics.
// - The logs of the whole journey are JSON lines; each call's line carries the request id the
//   answer had as x-amzn-RequestId, its operation, outcome, latency, pool, client, the user's sub
//   when known and the caller's address; no password, code, token, TOTP secret or email body
//   appears anywhere in them.
// - deploy/cognate.service passes `systemd-analyze verify`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { GetUserCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { COGNATE_BIN, GOOD_PASSWORD, keygen, makeTempDir, removeDir, waitFor, waitForEmail } from './lib/cognate.mjs';
import { answerTotp, enrolledUser, passwordAuth, rejectsWith, wrongTotp } from './lib/sign_in.mjs';
import { PYTHON, freePort, startNode } from './lib/cluster.mjs';

const execFileP = promisify(execFile);
const UNIT = fileURLToPath(new URL('../../deploy/cognate.service', import.meta.url));

const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"name": s.name, "labels": s.labels, "value": s.value, "type": family.type})
print(json.dumps(out))
`;

/** Scrapes `url` and parses it with prometheus_client; resolves to a lookup function. */
async function scrape(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const child = execFile(PYTHON, ['-c', PARSE], { timeout: 15_000 });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  child.stdin.end(text);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `prometheus_client could not parse /metrics: ${err}\n${text.slice(0, 2000)}`);
  const samples = JSON.parse(out);
  const value = (name, labels = {}) => samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
  value.has = (name) => samples.some((s) => s.name === name);
  value.samples = samples;
  return value;
}

async function rawCall(endpoint, operation, body) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid'), json: await res.json() };
}

describe('operations: metrics, health, JSON logs, the systemd unit', () => {
  let dir;
  let node;
  let metricsUrl;
  before(async () => {
    dir = await makeTempDir('cognate-ops-');
    await keygen(path.join(dir, 'master.key'));
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    node = await startNode({
      databaseUrl: `sqlite:${path.join(dir, 'cognate.db')}`, keyFile: path.join(dir, 'master.key'),
      mailDir: path.join(dir, 'mail'), cwd: dir, label: 'ops',
      extraArgs: ['--metrics-listen', `127.0.0.1:${port}`, '--log-format', 'json', '--rate-limit', 'off'],
    });
  });
  after(async () => {
    await node?.stop();
    if (dir) {
      await removeDir(dir);
    }
  });

  it('counts what was sent, and parses with Prometheus\' own parser', async () => {
    const before = await scrape(`${metricsUrl}/metrics`);
    // A sign-up with its emailed code, TOTP set up (MFA_SETUP, then tokens), two wrong
    // passwords, a sign-in with password + TOTP, a wrong code, a replayed code.
    const user = await enrolledUser(node.client, node, 'metrics');
    await rejectsWith(passwordAuth(node.client, node, user.email, 'Wrong-passw0rd!'), 'NotAuthorizedException');
    await rejectsWith(passwordAuth(node.client, node, user.email, 'Wrong-passw0rd!'), 'NotAuthorizedException');
    const c1 = await passwordAuth(node.client, node, user.email);
    await rejectsWith(answerTotp(node.client, node, c1, user.email, wrongTotp(user.device.secret)), 'CodeMismatchException');
    const c2 = await passwordAuth(node.client, node, user.email);
    await answerTotp(node.client, node, c2, user.email, await user.device.next());
    const c3 = await passwordAuth(node.client, node, user.email);
    await rejectsWith(answerTotp(node.client, node, c3, user.email, user.device.lastCode()), 'CodeMismatchException');
    await waitFor(async () => (await scrape(`${metricsUrl}/metrics`))('cognate_emails_total', { event: 'sent' }) >= before('cognate_emails_total', { event: 'sent' }) + 1,
      { what: 'the sign-up email to be counted as sent' });
    const after = await scrape(`${metricsUrl}/metrics`);
    const delta = (name, labels) => after(name, labels) - before(name, labels);

    assert.equal(delta('cognate_requests_total', { operation: 'SignUp', outcome: 'success' }), 1);
    assert.equal(delta('cognate_requests_total', { operation: 'ConfirmSignUp', outcome: 'success' }), 1);
    assert.equal(delta('cognate_requests_total', { operation: 'InitiateAuth', outcome: 'success' }), 4);
    assert.equal(delta('cognate_requests_total', { operation: 'InitiateAuth', outcome: 'NotAuthorizedException' }), 2);
    assert.equal(delta('cognate_requests_total', { operation: 'RespondToAuthChallenge', outcome: 'CodeMismatchException' }), 2);
    assert.equal(delta('cognate_request_duration_seconds_count', { operation: 'InitiateAuth' }), 6);
    assert.equal(delta('cognate_request_duration_seconds_bucket', { operation: 'InitiateAuth', le: '+Inf' }), 6);
    assert.ok(delta('cognate_request_duration_seconds_sum', { operation: 'InitiateAuth' }) > 0);
    assert.equal(delta('cognate_sign_ins_total', { outcome: 'challenge' }), 4);
    assert.equal(delta('cognate_sign_ins_total', { outcome: 'success' }), 2);  // MFA_SETUP, then TOTP
    assert.equal(delta('cognate_sign_ins_total', { outcome: 'wrong_password' }), 2);
    assert.equal(delta('cognate_sign_ins_total', { outcome: 'wrong_mfa_code' }), 1);
    assert.equal(delta('cognate_sign_ins_total', { outcome: 'replayed_mfa_code' }), 1);
    assert.equal(delta('cognate_mfa_enrolments_total', { kind: 'totp' }), 1);
    assert.equal(delta('cognate_emails_total', { event: 'sent' }), 1);
    assert.ok(delta('cognate_store_transactions_total', { kind: 'write', outcome: 'ok' }) >= 10);
    assert.ok(after('cognate_store_group_commit_size_count') > 0);
    assert.equal(after('cognate_outbox_emails', { status: 'pending' }), 0);
    assert.ok(after('cognate_outbox_emails', { status: 'sent' }) >= 1);
    assert.equal(after('cognate_outbox_oldest_pending_age_seconds'), 0);
    assert.ok(after('cognate_signing_key_age_seconds', { pool: node.poolId }) > 0);
    assert.equal(after('cognate_build_info'), 1);
    assert.equal(after('cognate_up'), 1);
    assert.equal(after('cognate_worker_queue_depth'), 0);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_start_time_seconds']) {
      assert.ok(after(name) > 0, name);
    }

    // Locked after five wrong passwords in a row.
    for (let i = 0; i < 6; i++) {
      await passwordAuth(node.client, node, user.email, 'Wrong-passw0rd!').catch(() => {});
    }
    const locked = await scrape(`${metricsUrl}/metrics`);
    assert.ok(locked('cognate_sign_ins_total', { outcome: 'locked' }) >= 1, 'a locked sign-in is counted');
  });

  it('answers /healthz and /readyz on both listeners, and nothing else on the metrics one', async () => {
    for (const base of [node.endpoint, metricsUrl]) {
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        status: 'ready', checks: { database: 'ok', schema: 'ok', outbox: 'ok', signing_keys: 'ok' },
      });
    }
    assert.equal((await fetch(`${node.endpoint}/metrics`)).status, 404);
    const api = await rawCall(metricsUrl, 'InitiateAuth', { ClientId: node.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: {} });
    assert.equal(api.status, 404, 'the metrics listener runs no API call');
  });

  it('logs one JSON line per call, with its request id and who, and never a secret', async () => {
    const user = await enrolledUser(node.client, node, 'logs');
    const answered = await rawCall(node.endpoint, 'GetUser', { AccessToken: user.tokens.AccessToken });
    assert.equal(answered.status, 200);
    const password = `Unique-Passw0rd-${process.pid}!`;
    const secrets = [password, user.tokens.AccessToken, user.tokens.IdToken, user.tokens.RefreshToken,
      user.device.secret, user.device.lastCode()];
    const mails = await fs.readdir(path.join(dir, 'mail'));
    for (const m of mails) {
      const text = await fs.readFile(path.join(dir, 'mail', m), 'utf8');
      const code = /(\d{6})/.exec(text.split('\n\n').slice(1).join('\n'))?.[1];
      if (code) {
        secrets.push(code);
      }
    }
    await node.client.send(new SignUpCommand({ ClientId: node.clientId, Username: 'late@example.com', Password: password,
      UserAttributes: [{ Name: 'email', Value: 'late@example.com' }] }));
    await rejectsWith(passwordAuth(node.client, node, user.email, password), 'NotAuthorizedException');
    const lateMail = await waitForEmail(path.join(dir, 'mail'), 'late@example.com');
    secrets.push(lateMail.code, 'Thanks for signing up! Use this code');
    await node.client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken }));

    await waitFor(() => node.output().includes(answered.requestId), { what: 'the GetUser log line' });
    const lines = node.output().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length > 20, `${lines.length} JSON lines`);
    const parsed = lines.map((l) => JSON.parse(l));
    for (const p of parsed) {
      assert.match(p.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(p.level);
    }
    const get = parsed.find((p) => p.request_id === answered.requestId);
    assert.ok(get, 'the line of the GetUser call');
    assert.equal(get.operation, 'GetUser');
    assert.equal(get.outcome, 'success');
    assert.equal(get.status, 200);
    assert.equal(get.sub, user.sub);
    assert.equal(get.pool, node.poolId);
    assert.equal(get.address, '127.0.0.1');
    assert.ok(Number.isInteger(get.latency_us) && get.latency_us > 0);
    const signIns = parsed.filter((p) => p.operation === 'InitiateAuth');
    assert.ok(signIns.length > 0 && signIns.every((p) => p.client === node.clientId && p.pool === node.poolId && p.sign_in));
    const all = node.output() + node.errorOutput();
    for (const secret of secrets) {
      const at = all.indexOf(secret);
      assert.equal(at, -1, `the logs hold a secret (${secret.slice(0, 12)}…): …${all.slice(Math.max(0, at - 200), at + 60)}`);
    }
  });

  it('is not ready while the outbox is stuck, and says so', async () => {
    const stuckDir = await makeTempDir('cognate-stuck-');
    try {
      await keygen(path.join(stuckDir, 'master.key'));
      const deadSmtp = await freePort();  // nothing listens there
      const stuck = await startNode({
        databaseUrl: `sqlite:${path.join(stuckDir, 'cognate.db')}`, keyFile: path.join(stuckDir, 'master.key'),
        smtpUrl: `smtp://127.0.0.1:${deadSmtp}`, cwd: stuckDir, label: 'stuck',
        extraArgs: ['--outbox-stuck-after', '1s', '--rate-limit', 'off'],
      });
      try {
        assert.equal((await fetch(`${stuck.endpoint}/readyz`)).status, 200);
        await stuck.client.send(new SignUpCommand({ ClientId: stuck.clientId, Username: 'nomail@example.com', Password: GOOD_PASSWORD,
          UserAttributes: [{ Name: 'email', Value: 'nomail@example.com' }] }));
        const body = await waitFor(async () => {
          const r = await fetch(`${stuck.endpoint}/readyz`);
          return r.status === 503 ? r.json() : undefined;
        }, { timeoutMs: 15_000, what: '/readyz to say 503' });
        assert.equal(body.status, 'not ready');
        assert.match(body.checks.outbox, /^stuck: the oldest unsent mail was queued \d+ s ago$/);
        assert.equal(body.checks.database, 'ok');
        assert.equal((await fetch(`${stuck.endpoint}/healthz`)).status, 200, 'alive all the same');
      } finally {
        await stuck.stop();
      }
    } finally {
      await removeDir(stuckDir);
    }
  });

  it("draws the built-in page's QR codes on the workers, every one, while health checks answer", async () => {
    const uri = `otpauth://totp/Cognate:${'a'.repeat(180)}%40example.com?secret=${'A'.repeat(32)}&issuer=Cognate`;
    const qr = () => fetch(`${node.endpoint}/_cognate/qr`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: uri })
      .then(async (r) => `${r.status} ${r.headers.get('content-type')} ${(await r.text()).startsWith('<svg')}`);
    const [codes, health] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, qr)),
      Promise.all(Array.from({ length: 5 }, () => fetch(`${node.endpoint}/healthz`).then((r) => r.status))),
    ]);
    assert.deepEqual(codes, Array(40).fill('200 image/svg+xml true'));
    assert.deepEqual(health, Array(5).fill(200));
    const refused = await fetch(`${node.endpoint}/_cognate/qr`, { method: 'POST', body: 'https://example.com' });
    assert.equal(refused.status, 400);
  });

  it('is not ready when a newer node has migrated the database past this one', async () => {
    const newerDir = await makeTempDir('cognate-schema-');
    try {
      const keyFile = await keygen(path.join(newerDir, 'master.key'));
      const file = path.join(newerDir, 'cognate.db');
      const older = await startNode({ databaseUrl: `sqlite:${file}`, keyFile, mailDir: path.join(newerDir, 'mail'),
        cwd: newerDir, label: 'schema', extraArgs: ['--rate-limit', 'off'] });
      const setVersion = (v) => execFileP('/usr/bin/python3', ['-c',
        'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nif len(sys.argv)>2: c.execute(f"PRAGMA user_version = {int(sys.argv[2])}")\n' +
        'print(c.execute("PRAGMA user_version").fetchone()[0])', file, ...(v === undefined ? [] : [String(v)])], { timeout: 15_000 });
      try {
        assert.equal((await fetch(`${older.endpoint}/readyz`)).status, 200);
        const known = Number((await setVersion()).stdout.trim());
        assert.ok(known > 0);
        await setVersion(known + 1);  // what a newer build's migration would leave
        const r = await fetch(`${older.endpoint}/readyz`);
        assert.equal(r.status, 503);
        const body = await r.json();
        assert.equal(body.checks.schema, `version ${known + 1}, this build's is ${known} (upgrade this node)`);
        assert.equal(body.checks.database, 'ok');
        await setVersion(known);
        assert.equal((await fetch(`${older.endpoint}/readyz`)).status, 200);
      } finally {
        await older.stop();
      }
    } finally {
      await removeDir(newerDir);
    }
  });

  it('ships a systemd unit that systemd-analyze verify accepts', async () => {
    // verify checks that ExecStart's program exists: point it at this build.
    const unit = (await fs.readFile(UNIT, 'utf8')).replaceAll('/usr/local/bin/cognate', COGNATE_BIN);
    for (const hardening of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'User=cognate', 'PrivateTmp=yes', 'CapabilityBoundingSet=']) {
      assert.ok(unit.includes(hardening), hardening);
    }
    const file = path.join(dir, 'cognate.service');
    await fs.writeFile(file, unit);
    const { stdout, stderr } = await execFileP('/usr/bin/systemd-analyze', ['verify', file], { timeout: 30_000 });
    assert.equal(`${stdout}${stderr}`.trim(), '', 'systemd-analyze verify says nothing');
  });
});
