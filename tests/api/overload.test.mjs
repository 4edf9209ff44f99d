// CPU work runs on a bounded worker pool: when it is saturated the server answers
// TooManyRequestsException (HTTP 429, which the SDKs retry with back-off) at once instead of
// queueing without bound, and keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startSandbox, rawCall } from './lib/cognate.mjs';

describe('a saturated worker pool', () => {
  let server;

  before(async () => {
    server = await startSandbox({ extraArgs: ['--workers', '1', '--max-in-flight', '2'] });
  });

  after(async () => {
    await server?.stop();
  });

  it('answers TooManyRequestsException at once and keeps serving', async () => {
    // Each SRP start costs modular exponentiations (unknown users get a fake challenge that costs
    // the same), so 100 at once overflow one worker with room for 2 calls.
    const srpA = (BigInt(2) ** BigInt(1000) + BigInt(12345)).toString(16);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      rawCall(server.endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: server.clientId,
        AuthParameters: { USERNAME: `nobody${i}@example.com`, SRP_A: srpA },
      })));
    const elapsed = Date.now() - started;
    const throttled = answers.filter((a) => a.status === 429);
    const served = answers.filter((a) => a.status === 200);
    assert.equal(throttled.length + served.length, 100,
      `unexpected answers: ${answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => a.text).join(' | ')}`);
    assert.ok(throttled.length > 0, 'no request was throttled');
    assert.ok(served.length >= 2, 'too few requests were served');
    for (const t of throttled) {
      assert.equal(t.json.__type, 'TooManyRequestsException');
      assert.equal(t.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    }
    for (const s of served) {
      assert.equal(s.json.ChallengeName, 'PASSWORD_VERIFIER');
    }
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);

    // Still serving afterwards.
    const health = await fetch(`${server.endpoint}/health`);
    assert.equal(health.status, 200);
    const again = await rawCall(server.endpoint, 'InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH', ClientId: server.clientId,
      AuthParameters: { USERNAME: 'nobody@example.com', SRP_A: srpA },
    });
    assert.equal(again.status, 200);
  });
});
