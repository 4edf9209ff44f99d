// Account recovery and deletion across two `cognate serve` nodes on one PostgreSQL database
// ($COGNATE_TEST_POSTGRES_URL, a fresh database for this file): a reset code requested on one
// node is confirmed on the other, the same code raced against both nodes resets the password
// once, and a deleted user's token is refused by the other node at once.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmForgotPasswordCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { listEmails, waitForEmail } from './lib/cognate.mjs';
import { enrolledUser, passwordAuth, rejectsWith } from './lib/sign_in.mjs';
import { outcome, startCluster, tally } from './lib/cluster.mjs';

const NEW_PASSWORDS = ['Fir5t-Passw0rd!', 'Sec0nd-Passw0rd!'];

describe('cluster: account recovery and deletion on two nodes', { timeout: 75_000 }, () => {
  let cluster;
  let A;
  let B;
  before(async () => {
    cluster = await startCluster({ tag: 'account' });
    ({ a: A, b: B } = cluster);
  });
  after(async () => {
    await cluster?.stop();
  });

  const forgot = (node, email) =>
    node.client.send(new ForgotPasswordCommand({ ClientId: node.clientId, Username: email }));
  const confirmReset = (node, email, code, password) =>
    node.client.send(new ConfirmForgotPasswordCommand({
      ClientId: node.clientId, Username: email, ConfirmationCode: code, Password: password,
    }));

  it('confirms on node B a reset code requested on node A', async () => {
    const user = await enrolledUser(A.client, A, 'xnode');
    const seen = await listEmails(cluster.mailDir, user.email);
    await forgot(A, user.email);
    const mail = await waitForEmail(cluster.mailDir, user.email, { seen });
    await confirmReset(B, user.email, mail.code, NEW_PASSWORDS[0]);
    assert.equal((await passwordAuth(A.client, A, user.email, NEW_PASSWORDS[0])).ChallengeName,
      'SOFTWARE_TOKEN_MFA');
  });

  it('resets once when the same code reaches both nodes at once', async () => {
    const user = await enrolledUser(A.client, A, 'race');
    const seen = await listEmails(cluster.mailDir, user.email);
    await forgot(B, user.email);
    const mail = await waitForEmail(cluster.mailDir, user.email, { seen });
    const results = await Promise.all([
      outcome(confirmReset(A, user.email, mail.code, NEW_PASSWORDS[0])),
      outcome(confirmReset(B, user.email, mail.code, NEW_PASSWORDS[1])),
    ]);
    const counts = tally(results);
    assert.deepEqual(counts, {
      OK: 1,
      'ExpiredCodeException: Invalid code provided, please request a code again. (HTTP 400)': 1,
    });

    const winner = NEW_PASSWORDS[results.findIndex((r) => r.ok)];
    const loser = NEW_PASSWORDS.find((p) => p !== winner);
    assert.equal((await passwordAuth(B.client, B, user.email, winner)).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    await rejectsWith(passwordAuth(A.client, A, user.email, loser), 'NotAuthorizedException',
      'Incorrect username or password.');
  });

  it('refuses on node B the token of a user deleted on node A', async () => {
    const user = await enrolledUser(A.client, A, 'deleted');
    await B.client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken }));
    await A.client.send(new DeleteUserCommand({ AccessToken: user.tokens.AccessToken }));
    await rejectsWith(B.client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })),
      'NotAuthorizedException', 'User does not exist.');
  });
});
