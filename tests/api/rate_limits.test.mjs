// Rate limits and the lockout's bounds, against real `cognate serve` processes (the defaults; the
// sandbox has none unless asked): a flood of sign-ins from one address is refused with
// TooManyRequestsException while a user at another address signs in with password and TOTP, on
// one node and on two (PostgreSQL); behind --trusted-proxy the address is X-Forwarded-For's, and
// only then; the per-client budget; a pool's own limits; every refusal is in the log; and a lockout ends — the right
// password and TOTP code work as soon as it does, however many wrong guesses came before.
//
// Addresses: the servers listen on 127.0.0.1; clients bind 127.0.0.2, .3, … (all loopback).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import path from 'node:path';
import { GOOD_PASSWORD, SEED_CONFIG, TARGET_PREFIX, keygen, makeTempDir, removeDir, sleep, startServe, uniqueEmail } from './lib/cognate.mjs';
import { completeTotpSetup, answerTotp, passwordAuth, signUpConfirmed } from './lib/sign_in.mjs';
import { runCognate, startCluster, startNode } from './lib/cluster.mjs';

const RATE_MESSAGE = /^Rate exceeded: too many sign-in calls from your address; retry later\.$/;

/** An SDK v3 client whose connections come from `localAddress`. */
function clientFrom(endpoint, localAddress) {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: { httpAgent: new http.Agent({ localAddress, keepAlive: true }) },
  });
}

/** One raw API call from `localAddress`; resolves to { status, type, message }. */
function callFrom(endpoint, localAddress, agent, operation, body, headers = {}) {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: '/', method: 'POST', localAddress, agent,
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': TARGET_PREFIX + operation,
        'Content-Length': Buffer.byteLength(payload),
        ...headers,
      },
      timeout: 10_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = {};
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, type: json.__type ?? 'OK', message: json.message ?? '' });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `count` InitiateAuth calls (wrong password, unknown name) from one address, `parallel` at a time. */
async function flood(endpoint, clientId, localAddress, { count = 300, parallel = 16, headers } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel, localAddress });
  const tally = {};
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const r = await callFrom(endpoint, localAddress, agent, 'InitiateAuth', {
        ClientId: clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: `flood-${next}@example.com`, SRP_A: 'ab'.repeat(384) },
      }, headers);
      const key = r.status === 429 ? `429 ${r.type}` : `${r.status}`;
      tally[key] = (tally[key] ?? 0) + 1;
      if (r.status === 429) {
        assert.match(r.message, RATE_MESSAGE);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  agent.destroy();
  Object.defineProperty(tally, 'seconds', { value: (Date.now() - started) / 1000 });
  return tally;
}

/**
 * Asserts a flood of `count` calls met a bucket of `rate`/s and `burst`: no more admitted than the
 * bucket can give in the flood's time (whatever the machine's speed), and the rest refused.
 */
function assertLimited(tally, count, { rate, burst }) {
  const admitted = tally['200'] ?? 0;
  const refused = tally['429 TooManyRequestsException'] ?? 0;
  const most = burst + rate * tally.seconds + 2;
  const seen = `${JSON.stringify(tally)} in ${tally.seconds.toFixed(2)} s`;
  assert.equal(admitted + refused, count, seen);
  assert.ok(admitted >= Math.min(burst, count), `the burst is admitted: ${seen}`);
  assert.ok(admitted <= most, `at most ${most.toFixed(0)} admitted: ${seen}`);
  assert.ok(refused >= count - most, seen);
}

/** A user at `localAddress` signs up, sets TOTP up and signs in again with password + code. */
async function journeyFrom(server, localAddress) {
  const client = clientFrom(server.endpoint, localAddress);
  try {
    const email = uniqueEmail('ratelimit');
    await signUpConfirmed(client, server, email);
    const { device } = await completeTotpSetup(client, server, await passwordAuth(client, server, email));
    const challenge = await passwordAuth(client, server, email);
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const done = await answerTotp(client, server, challenge, email, await device.next());
    assert.ok(done.AuthenticationResult?.AccessToken);
    return { email, device };
  } finally {
    client.destroy();
  }
}

describe('rate limits on one node (cognate serve, default limits)', () => {
  let server;
  before(async () => {
    server = await startServe({ extraArgs: ['--allow-user-password-auth'] });
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses a flood from one address while a user at another signs in with password and TOTP', async () => {
    const flooding = flood(server.endpoint, server.clientId, '127.0.0.2', { count: 400 });
    await sleep(200);  // the flood is under way
    const journey = journeyFrom(server, '127.0.0.3');
    const [tally] = await Promise.all([flooding, journey]);
    assertLimited(tally, 400, { rate: 20, burst: 40 });  // serve's sign-in per address
    // Refusals are logged, with the address.
    assert.match(server.output() + server.errorOutput(), /TooManyRequestsException 127\.0\.0\.2 rate limit/);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    let n = 0;
    const tally = await flood(server.endpoint, server.clientId, '127.0.0.4', {
      count: 120, headers: { get 'X-Forwarded-For'() { return `198.51.100.${++n % 250}`; } },
    });
    assertLimited(tally, 120, { rate: 20, burst: 40 });
  });
});

describe('rate limits behind a trusted proxy, and per app client', () => {
  let server;
  before(async () => {
    server = await startServe({
      extraArgs: ['--trusted-proxy', '127.0.0.5', '--rate-limit', 'sign-in.address=2/4',
                  '--rate-limit', 'sign-in.client=10/20'],
    });
  });
  after(async () => {
    await server?.stop();
  });

  it("limits each X-Forwarded-For address, not the proxy's, and the client as a whole", async () => {
    const one = await flood(server.endpoint, server.clientId, '127.0.0.5',
      { count: 10, parallel: 1, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assertLimited(one, 10, { rate: 2, burst: 4 });
    // Another caller behind the same proxy has its own bucket; one the client wrote itself, left
    // of the proxy's entry, is not believed.
    const other = await flood(server.endpoint, server.clientId, '127.0.0.5',
      { count: 4, parallel: 1, headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.8' } });
    assert.deepEqual(other, { 200: 4 });
    // The client's budget (burst 20) is shared by all: 20 addresses × 2 calls, 12 left of it.
    const results = [];
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const agent = new http.Agent({ localAddress: '127.0.0.5' });
      for (let j = 0; j < 2; j++) {
        results.push(await callFrom(server.endpoint, '127.0.0.5', agent, 'InitiateAuth', {
          ClientId: server.clientId, AuthFlow: 'USER_SRP_AUTH',
          AuthParameters: { USERNAME: `c${i}@example.com`, SRP_A: 'ab'.repeat(384) },
        }, { 'X-Forwarded-For': `192.0.2.${i + 1}` }));
      }
      agent.destroy();
    }
    const seconds = (Date.now() - started) / 1000;
    const refused = results.filter((r) => r.status === 429);
    // The client's bucket had 20 − 8 = 12 left (the calls above spent 8 of it), refilling 10/s.
    const most = 12 + 10 * seconds + 2;
    assert.ok(refused.length >= 40 - most && refused.length > 0,
      `${refused.length} of 40 refused in ${seconds.toFixed(2)} s`);
    assert.ok(refused.every((r) => r.message === 'Rate exceeded: too many sign-in calls from this app client; retry later.'),
      JSON.stringify(refused[0]));
  });
});

describe('rate limits on two nodes (PostgreSQL)', () => {
  let cluster;
  before(async () => {
    cluster = await startCluster({ tag: 'ratelimit', extraArgs: ['--allow-user-password-auth'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a flood at both nodes from one address does not stop a user at another address on either', async () => {
    const [a, b] = cluster.nodes;
    const floods = Promise.all([
      flood(a.endpoint, cluster.clientId, '127.0.0.6', { count: 300 }),
      flood(b.endpoint, cluster.clientId, '127.0.0.6', { count: 300 }),
    ]);
    await sleep(200);
    const server = (node) => ({ endpoint: node.endpoint, clientId: cluster.clientId, mailDir: cluster.mailDir });
    await journeyFrom(server(a), '127.0.0.7');
    await journeyFrom(server(b), '127.0.0.7');
    for (const tally of await floods) {
      assertLimited(tally, 300, { rate: 20, burst: 40 });  // each node has its own buckets
    }
  });
});

describe("a pool's own limits (--rate-limit POOL_ID:…)", () => {
  let dir;
  let node;
  let poolId;
  const start = async (extraArgs) => {
    node = await startNode({
      databaseUrl: `sqlite:${path.join(dir, 'cognate.db')}`, keyFile: path.join(dir, 'master.key'),
      mailDir: path.join(dir, 'mail'), cwd: dir, label: 'pool limits', extraArgs,
    });
    return node;
  };
  before(async () => {
    dir = await makeTempDir('cognate-pool-limits-');
    await keygen(path.join(dir, 'master.key'));
    poolId = (await start([])).poolId;  // made at the first start
    await node.stop();
  });
  after(async () => {
    await node?.stop();
    await removeDir(dir);
  });

  it("holds the pool's calls to its own per-address rate, higher or lower than the server's", async () => {
    // The server's rate would admit 3; this pool's own admits its burst of 30 (many users
    // behind one NAT), while another pool's setting changes nothing here.
    await start(['--rate-limit', 'sign-in.address=1/3', '--rate-limit', `${poolId}:sign-in.address=10/30`,
      '--rate-limit', 'us-east-1_Other:sign-in.address=off']);
    assertLimited(await flood(node.endpoint, node.clientId, '127.0.0.13', { count: 120 }), 120, { rate: 10, burst: 30 });
    await node.stop();
    // Another pool allowing more does not lift this one's limit (the server's, 1/3).
    await start(['--rate-limit', 'sign-in.address=1/3', '--rate-limit', 'us-east-1_Other:sign-in.address=100/100']);
    assertLimited(await flood(node.endpoint, node.clientId, '127.0.0.14', { count: 60 }), 60, { rate: 1, burst: 3 });
    await node.stop();
    // POOL_ID:off: nothing refused for this pool, whatever the server's limits.
    await start(['--rate-limit', 'sign-in.address=1/3', '--rate-limit', `${poolId}:off`]);
    const open = await flood(node.endpoint, node.clientId, '127.0.0.15', { count: 60 });
    assert.deepEqual({ ...open }, { 200: 60 });
    await node.stop();
    const bad = await runCognate(['serve', '--config', SEED_CONFIG, '--database', `sqlite:${path.join(dir, 'cognate.db')}`,
      '--master-key-file', path.join(dir, 'master.key'), '--mail-dir', path.join(dir, 'mail'),
      '--listen', '127.0.0.1:0', '--rate-limit', `${poolId}:sign-in.everyone=3`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`--rate-limit ${poolId}:sign-in.everyone=3: the scope is address or client`));
  });
});

describe('the lockout ends: the right password and code always work once it has', () => {
  let server;
  before(async () => {
    server = await startServe({ extraArgs: ['--allow-user-password-auth', '--lockout-first', '1s', '--lockout-max', '2s'] });
  });
  after(async () => {
    await server?.stop();
  });

  it('after 30 wrong passwords, the lock is at most --lockout-max, then password + TOTP sign in', async () => {
    const client = clientFrom(server.endpoint, '127.0.0.8');
    try {
      const email = uniqueEmail('locked');
      await signUpConfirmed(client, server, email);
      const { device } = await completeTotpSetup(client, server, await passwordAuth(client, server, email));
      const answers = {};
      for (let i = 0; i < 30; i++) {
        const e = await client.send(new InitiateAuthCommand({
          ClientId: server.clientId, AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: 'Wr0ng-Passw0rd!' },
        })).catch((error) => error);
        answers[e.message] = (answers[e.message] ?? 0) + 1;
        if (i % 5 === 4) {
          await sleep(1100);  // some guesses land after a lock, each doubling the next (capped)
        }
      }
      // Locks were hit, and guesses after each lock were evaluated (and doubled the next one).
      // (That the right password is refused while a lock holds: the unit tests, on a manual clock.)
      assert.ok(answers['Password attempts exceeded'] > 0, JSON.stringify(answers));
      assert.ok(answers['Incorrect username or password.'] > 5, JSON.stringify(answers));
      await sleep(2100);  // the cap
      const challenge = await passwordAuth(client, server, email, GOOD_PASSWORD);
      assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
      const done = await answerTotp(client, server, challenge, email, await device.next());
      assert.ok(done.AuthenticationResult?.AccessToken);
    } finally {
      client.destroy();
    }
  });
});
