// `cognate seed` against a running `cognate sandbox` (two processes on one SQLite file): the
// seeded users sign in with the AWS SDK v3 through the seed config's REQUIRED TOTP, with codes
// computed from the documented secret derivation, and a repeated run adds nothing.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient, startSandbox } from './lib/cognate.mjs';
import { runCognate } from './lib/cluster.mjs';
import { TotpDevice, answerTotp, passwordAuth, rejectsWith } from './lib/sign_in.mjs';

const SEED_PASSWORD = 'Seed-Passw0rd!';

function base32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

// pool/seed.h: HMAC-SHA256("cognate-seed-totp", lower-cased email), first 20 bytes.
const seededSecret = (email) =>
  base32(crypto.createHmac('sha256', 'cognate-seed-totp').update(email.toLowerCase()).digest().subarray(0, 20));

describe('cognate seed', () => {
  let server;
  let client;
  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
  });
  after(async () => {
    await server?.stop();
  });

  it('fills the running sandbox with confirmed TOTP users who can sign in', async () => {
    const run = await runCognate(['seed', '--dir', server.dataDir, '--users', '300', '--totp'],
      { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /seeded us-east-1_\w+: 300 users created, 0 already there/);
    // Not a terminal: one progress line per tenth, the last at 100%.
    assert.match(run.stderr, /\[#{30}\] 100%  300\/300 users/);

    for (const email of ['user0@seed.example', 'USER299@seed.example']) {
      const challenge = await passwordAuth(client, server, email, SEED_PASSWORD);
      assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
      const device = new TotpDevice(seededSecret(email));
      const signedIn = await answerTotp(client, server, challenge, email, await device.next());
      const me = await client.send(new GetUserCommand({
        AccessToken: signedIn.AuthenticationResult.AccessToken,
      }));
      const attributes = Object.fromEntries(me.UserAttributes.map((a) => [a.Name, a.Value]));
      assert.equal(attributes.email, email.toLowerCase());
      assert.equal(attributes.email_verified, 'true');
    }
    await rejectsWith(passwordAuth(client, server, 'user5@seed.example', 'Wrong-Passw0rd!'),
      'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(passwordAuth(client, server, 'user300@seed.example', SEED_PASSWORD),
      'NotAuthorizedException', 'Incorrect username or password.');
  });

  it('skips users that exist on a repeated run and refuses bad usage', async () => {
    const again = await runCognate(['seed', '--dir', server.dataDir, '--users', '310'],
      { timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /10 users created, 300 already there/);

    const neither = await runCognate(['seed', '--users', '5']);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /give --dir \(a sandbox folder\) or --database/);
    const zero = await runCognate(['seed', '--dir', server.dataDir, '--users', '0']);
    assert.notEqual(zero.code, 0);
  });
});
