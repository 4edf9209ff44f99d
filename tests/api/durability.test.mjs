// Group commit must not cost durability: every SignUp the server acknowledged before it was
// killed (SIGKILL, no shutdown) is there after a restart on the same folder, while many sign-ups
// were still in flight and sharing commits. A re-run SignUp of an acknowledged address must be
// UsernameExistsException; nothing half-written may break the restarted server. (This is process
// death: it catches an answer sent before its commit. Power loss also needs the fsync, which
// synchronous=FULL does for every group commit before anyone in it is answered.)

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, cognitoClient, makeTempDir, removeDir, sleep, startSandbox } from './lib/cognate.mjs';

const signUp = (client, server, email) => client.send(new SignUpCommand({
  ClientId: server.clientId,
  Username: email,
  Password: GOOD_PASSWORD,
  UserAttributes: [{ Name: 'email', Value: email }],
}));

describe('durability under group commit', () => {
  let dir;
  let server;
  after(async () => {
    await server?.stop();
    if (dir) {
      await removeDir(dir);
    }
  });

  it('keeps every acknowledged sign-up across a SIGKILL in the middle of a burst', async () => {
    dir = await makeTempDir('cognate-durability-');
    server = await startSandbox({ dir });
    const client = cognitoClient(server.endpoint);
    const acknowledged = [];
    let refused = 0;
    // 32 workers signing up back to back until the server dies under them.
    const worker = async (w) => {
      for (let i = 0; ; i++) {
        const email = `burst-${w}-${i}@example.com`;
        try {
          await signUp(client, server, email);
          acknowledged.push(email);
        } catch {
          refused++;
          return;  // the server is gone
        }
      }
    };
    const burst = Array.from({ length: 32 }, (_, w) => worker(w));
    while (acknowledged.length < 150) {
      await sleep(5);
    }
    server.proc.kill('SIGKILL');
    await server.exited;
    await Promise.all(burst);
    const before = acknowledged.length;
    assert.ok(before >= 150 && refused > 0, `${before} acknowledged, ${refused} refused`);

    server = await startSandbox({ dir });
    const again = cognitoClient(server.endpoint);
    const results = await Promise.allSettled(acknowledged.map((e) => signUp(again, server, e)));
    const names = results.map((r) => (r.status === 'rejected' ? r.reason.name : 'created again'));
    const lost = acknowledged.filter((_, i) => names[i] !== 'UsernameExistsException');
    assert.deepEqual(lost, [], `lost after the crash: ${lost.join(', ')} (${names.find((n) => n !== 'UsernameExistsException')})`);
    // The restarted server still takes new users.
    const fresh = await signUp(again, server, 'after-crash@example.com');
    assert.ok(fresh.UserSub);
  });
});
