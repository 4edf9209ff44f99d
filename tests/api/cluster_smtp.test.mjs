// Two `cognate serve` nodes on one PostgreSQL database ($COGNATE_TEST_POSTGRES_URL, a fresh
// database for this file), both sending mail to one real SMTP server (aiosmtpd, Maildir): every
// email queued in the shared outbox is delivered exactly once, whichever node queued it, both
// when SMTP is up and when both nodes' outbox workers retry the same queued mails after an SMTP
// outage (so they race to claim them).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, SEED_SUBJECT, listEmails, sleep, uniqueEmail, waitFor } from './lib/cognate.mjs';
import { passwordAuth } from './lib/sign_in.mjs';
import { freePort, startCluster, startSmtpServer } from './lib/cluster.mjs';

// Delivery is at most ~1 s (outbox poll) after a mail is due; wait this much longer before counting.
const SETTLE_MS = 3_500;

describe('cluster: exactly-once email delivery from two nodes through one SMTP server', { timeout: 60_000 }, () => {
  let cluster;
  let smtp;
  let port;
  let maildir;

  before(async () => {
    port = await freePort();
    // No SMTP server yet: the first test queues mail during an SMTP outage.
    cluster = await startCluster({ tag: 'smtp', smtpUrl: `smtp://127.0.0.1:${port}` });
    maildir = path.join(cluster.dir, 'maildir');
  });

  after(async () => {
    await smtp?.stop();
    await cluster?.stop();
  });

  /** Signs `count` new users up, alternating the nodes, all at once; resolves to their emails. */
  async function signUps(count, tag) {
    const emails = Array.from({ length: count }, () => uniqueEmail(tag));
    await Promise.all(emails.map(async (email, i) => {
      const node = cluster.nodes[i % 2];
      const res = await node.client.send(new SignUpCommand({
        ClientId: node.clientId, Username: email, Password: GOOD_PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      }));
      assert.equal(res.UserConfirmed, false);
    }));
    return emails;
  }

  /** Waits until every address has mail, then SETTLE_MS more; asserts one mail each; resolves to them. */
  async function expectOneEmailEach(emails, { timeoutMs = 15_000 } = {}) {
    const inbox = path.join(maildir, 'new');
    await waitFor(async () => {
      const all = await listEmails(inbox, null, { ext: null });
      const to = new Set(all.map((m) => m.to?.toLowerCase()));
      return emails.every((e) => to.has(e));
    }, { timeoutMs, intervalMs: 200, what: `mail to all ${emails.length} new users in ${inbox}` });
    await sleep(SETTLE_MS);
    const mails = [];
    for (const email of emails) {
      const got = await listEmails(inbox, email, { ext: null });
      assert.equal(got.length, 1, `exactly one email to ${email}, got ${got.length}:\n` +
        got.map((m) => `${m.file} ${m.messageId}`).join('\n'));
      assert.equal(got[0].subject, SEED_SUBJECT);
      assert.match(got[0].code ?? '', /^\d{6}$/);
      mails.push(got[0]);
    }
    return mails;
  }

  it('delivers mail queued on both nodes during an SMTP outage exactly once when SMTP comes back', async () => {
    const emails = await signUps(8, 'smtp-outage');
    await sleep(1_500); // both nodes' workers fail a delivery attempt or two meanwhile
    smtp = await startSmtpServer(port, maildir);
    const mails = await expectOneEmailEach(emails, { timeoutMs: 20_000 });
    // Confirm each on the node that did not queue its mail: the mailed code is the live one.
    await Promise.all(emails.map(async (email, i) => {
      const node = cluster.nodes[(i + 1) % 2];
      await node.client.send(new ConfirmSignUpCommand({
        ClientId: node.clientId, Username: email, ConfirmationCode: mails[i].code,
      }));
    }));
    const all = await listEmails(path.join(maildir, 'new'), null, { ext: null });
    assert.equal(all.length, emails.length, 'no other mail in the Maildir');
  });

  it('delivers each of 16 mails queued on both nodes at once exactly once', async () => {
    const before = (await listEmails(path.join(maildir, 'new'), null, { ext: null })).length;
    const emails = await signUps(16, 'smtp-burst');
    const mails = await expectOneEmailEach(emails);
    const after = (await listEmails(path.join(maildir, 'new'), null, { ext: null })).length;
    assert.equal(after - before, emails.length, 'one new mail per sign-up, no more');
    assert.equal(new Set(mails.map((m) => m.messageId)).size, emails.length, 'distinct Message-IDs');
    // The codes work on either node (spot check two users).
    for (const i of [0, 1]) {
      const node = cluster.nodes[(i + 1) % 2];
      await node.client.send(new ConfirmSignUpCommand({
        ClientId: node.clientId, Username: emails[i], ConfirmationCode: mails[i].code,
      }));
      assert.equal((await passwordAuth(node.client, node, emails[i])).ChallengeName, 'MFA_SETUP');
    }
  });
});
