// Signing-key rotation across nodes: `cognate keys rotate` on the shared PostgreSQL database, and
// every node publishes the same JWKS shortly after (nodes re-read the keys every
// --keys-reload-interval seconds; 1 s here instead of the default 30 s). A rotated key is
// published before it signs (60 s later), so tokens issued right after still use the old key.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startCluster, runCognate } from './lib/cluster.mjs';
import { sleep } from './lib/cognate.mjs';

async function kids(node, poolId) {
  const response = await fetch(`${node.endpoint}/${poolId}/.well-known/jwks.json`);
  assert.equal(response.status, 200);
  return (await response.json()).keys.map((k) => k.kid).sort();
}

describe('signing-key rotation on two nodes', () => {
  let cluster;

  before(async () => {
    cluster = await startCluster({ tag: 'keys', extraArgs: ['--keys-reload-interval', '1'] });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('every node lists the new key next to the old one within seconds', async () => {
    const { a, b, poolId } = cluster;
    const before = await kids(a, poolId);
    assert.equal(before.length, 1);
    assert.deepEqual(await kids(b, poolId), before, 'both nodes start with the same key');

    const rotated = await runCognate(['keys', 'rotate', '--database', cluster.databaseUrl,
                                      '--master-key-file', cluster.keyFile]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const newKid = /new signing key (\S+) for /.exec(rotated.stdout)?.[1];
    assert.ok(newKid, `no kid in: ${rotated.stdout}`);
    assert.ok(!before.includes(newKid));

    const expected = [...before, newKid].sort();
    const deadline = Date.now() + 10_000;
    let seen;
    for (;;) {
      seen = [await kids(a, poolId), await kids(b, poolId)];
      if (seen.every((k) => JSON.stringify(k) === JSON.stringify(expected)) || Date.now() > deadline) {
        break;
      }
      await sleep(200);
    }
    assert.deepEqual(seen, [expected, expected], `JWKS of A and B after the rotation\n${cluster.logs()}`);
  });
});
