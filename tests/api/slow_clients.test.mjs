// Slow and hostile connections against a real `cognate serve`: 2,000 slowloris connections (one
// header byte a second) held open while a real client completes the seed journey (sign-up, the
// emailed code, TOTP set-up, sign-in with password and code); each is closed when its header
// time (--header-timeout) is up; the server's memory stays bounded. Also: a body that stops
// coming (--body-timeout), an idle kept-alive connection (--idle-timeout), connections beyond
// --max-connections closed at once, and the security headers on every answer.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs/promises';
import { cognitoClient, sleep, startServe, uniqueEmail, waitFor } from './lib/cognate.mjs';
import { answerTotp, completeTotpSetup, passwordAuth, signUpConfirmed } from './lib/sign_in.mjs';

const SLOW = 2000;
const HEADER_TIMEOUT_S = 8;

/** The server's resident memory, in MiB. */
async function rssMiB(pid) {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** A connection to `endpoint` from `localAddress`; resolves once connected. */
function connect(endpoint, localAddress = '127.0.0.2') {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` is closed by the other end, with what it received. */
function closed(socket) {
  let received = '';
  socket.on('data', (d) => { received += d; });
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

describe('slow and hostile clients (cognate serve)', () => {
  let server;
  before(async () => {
    server = await startServe({
      extraArgs: ['--allow-user-password-auth', '--header-timeout', `${HEADER_TIMEOUT_S}s`,
                  '--body-timeout', '2s', '--idle-timeout', '2s', '--max-connections', '2500'],
    });
  });
  after(async () => {
    await server?.stop();
  });

  it(`holds ${SLOW} slowloris connections, serves the seed journey meanwhile, closes them on time`, async (t) => {
    const pid = server.proc.pid;
    const before = await rssMiB(pid);
    const request = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n';
    const sockets = [];
    const ends = [];
    const opened = Date.now();
    for (let i = 0; i < SLOW; i++) {
      const s = await connect(server.endpoint, `127.0.0.${2 + (i % 50)}`);
      s.on('error', () => {});
      ends.push(closed(s));
      sockets.push(s);
    }
    let sent = 0;
    const drip = setInterval(() => {
      for (const s of sockets) {
        if (!s.destroyed) {
          s.write(request[sent % request.length]);
        }
      }
      sent++;
    }, 1000);
    let closedCount = 0;
    for (const e of ends) {
      e.then(() => { closedCount++; });
    }
    try {
      // The real client, while every slow connection is open.
      const client = cognitoClient(server.endpoint);
      const email = uniqueEmail('slowloris');
      await signUpConfirmed(client, server, email);
      const { device } = await completeTotpSetup(client, server, await passwordAuth(client, server, email));
      const challenge = await passwordAuth(client, server, email);
      const done = await answerTotp(client, server, challenge, email, await device.next());
      assert.ok(done.AuthenticationResult?.AccessToken);
      client.destroy();
      const journeyDone = Date.now();
      assert.ok(journeyDone - opened < HEADER_TIMEOUT_S * 1000,
        `the journey ended within the header time (${journeyDone - opened} ms)`);
      assert.equal(closedCount, 0, 'every slow connection was still open when the journey ended');
      const holding = await rssMiB(pid);
      t.diagnostic(`RSS ${before.toFixed(1)} MiB idle, ${holding.toFixed(1)} MiB holding ${SLOW} slow connections; journey ${journeyDone - opened} ms`);
      // A slow connection costs a coroutine, a parser and a small buffer: a few KiB each (a
      // sanitizer's shadow memory multiplies that: scripts/run-tests says when one is on).
      const bound = process.env.COGNATE_TEST_SANITIZER ? 256 : 64;
      assert.ok(holding - before < bound, `RSS ${before.toFixed(1)} → ${holding.toFixed(1)} MiB with ${SLOW} slow connections`);
      // Their header time runs out: all closed by the server, without an answer.
      await waitFor(() => closedCount === SLOW, { timeoutMs: HEADER_TIMEOUT_S * 1000 + 5000, what: `${SLOW} closes (${closedCount})` });
      const elapsed = Date.now() - opened;
      t.diagnostic(`all ${SLOW} closed ${elapsed} ms after the first opened`);
      assert.ok(elapsed >= HEADER_TIMEOUT_S * 1000 - 1000, `closed after ${elapsed} ms, not before their time`);
      const answers = await Promise.all(ends);
      assert.equal(answers.filter((a) => a.length > 0).length, 0, 'no answer to an unfinished header');
    } finally {
      clearInterval(drip);
      sockets.forEach((s) => s.destroy());
    }
  });

  it('closes a connection whose body stops coming, and an idle kept-alive one', async () => {
    const body = await connect(server.endpoint);
    const bodyClosed = closed(body);
    body.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n' +
      'X-Amz-Target: AWSCognitoIdentityProviderService.GetUser\r\nContent-Length: 100\r\n\r\n{"Acc');
    const t0 = Date.now();
    await bodyClosed;
    const bodyMs = Date.now() - t0;
    assert.ok(bodyMs >= 1500 && bodyMs < 5000, `closed after ${bodyMs} ms (--body-timeout 2s)`);

    const idle = await connect(server.endpoint);
    const idleClosed = closed(idle);
    idle.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const t1 = Date.now();
    const answer = await idleClosed;
    const idleMs = Date.now() - t1;
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    assert.ok(idleMs >= 1500 && idleMs < 5000, `idle connection closed after ${idleMs} ms (--idle-timeout 2s)`);
  });

  it('answers health checks with the security headers', async () => {
    const res = await fetch(`${server.endpoint}/health`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const page = await fetch(`${server.endpoint}/`);
    assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const api = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AWSCognitoIdentityProviderService.GetUser', 'Content-Type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    assert.equal(api.headers.get('cache-control'), 'no-store');
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('--max-connections', () => {
  let server;
  before(async () => {
    server = await startServe({ extraArgs: ['--max-connections', '20', '--header-timeout', '3s'] });
  });
  after(async () => {
    await server?.stop();
  });

  it('closes connections beyond the limit at once, and serves again when they go', async () => {
    const held = [];
    for (let i = 0; i < 20; i++) {
      const s = await connect(server.endpoint);
      s.on('error', () => {});
      held.push(s);
    }
    await sleep(200);  // accepted and counted
    const extra = await connect(server.endpoint);
    const t0 = Date.now();
    const answer = await closed(extra);
    assert.equal(answer, '');
    assert.ok(Date.now() - t0 < 1000, 'closed at once');
    await waitFor(() => /connection limit \(20\) reached/.test(server.output() + server.errorOutput()),
      { what: 'the warning in the log' });
    held.forEach((s) => s.destroy());
    await sleep(300);
    const res = await fetch(`${server.endpoint}/health`);
    assert.equal(res.status, 200);
  });
});
