// `cognate serve` delivering mail to a real SMTP server (aiosmtpd) that comes up only after the
// sign-up: the message waits in the outbox and is retried until it gets through.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD,
  SEED_BODY,
  SEED_SUBJECT,
  cognitoClient,
  listEmails,
  sleep,
  startServe,
  uniqueEmail,
  waitForEmail,
} from './lib/cognate.mjs';
import { freePort, startSmtpServer } from './lib/cluster.mjs';

describe('serve with SMTP (aiosmtpd)', () => {
  let server;
  let smtp;
  let client;
  let port;

  before(async () => {
    port = await freePort();
    server = await startServe({ smtpUrl: `smtp://127.0.0.1:${port}` });
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await smtp?.stop();
    await server?.stop();
  });

  it('delivers the code email once the SMTP server comes up, and the code confirms the user', async () => {
    const email = uniqueEmail('smtp');
    const res = await client.send(
      new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }),
    );
    assert.equal(res.UserConfirmed, false, 'sign-up succeeds while mail cannot be delivered');

    await sleep(2_000); // a few delivery attempts fail meanwhile
    const maildir = path.join(server.dir, 'maildir');
    smtp = await startSmtpServer(port, maildir);

    const mail = await waitForEmail(path.join(maildir, 'new'), email, { ext: null, timeoutMs: 15_000 });
    assert.equal(mail.to, email);
    assert.equal(mail.subject, SEED_SUBJECT);
    assert.equal(mail.body.replace(/\r?\n$/, ''), SEED_BODY.replace('{####}', mail.code));
    assert.match(mail.messageId ?? '', /^<[^<>@\s]+@[^<>@\s]+>$/);
    assert.ok(mail.from, 'From header');
    assert.ok(Number.isFinite(Date.parse(mail.date ?? '')), `Date header: ${mail.date}`);
    assert.equal(mail.header('x-rcptto')?.toLowerCase(), email, 'SMTP envelope recipient');

    const confirmed = await client.send(
      new ConfirmSignUpCommand({ ClientId: server.clientId, Username: email, ConfirmationCode: mail.code }),
    );
    assert.equal(confirmed.$metadata.httpStatusCode, 200);

    // Delivered once: the outbox does not send it again.
    await sleep(1_500);
    assert.equal((await listEmails(path.join(maildir, 'new'), email, { ext: null })).length, 1);
  });
});
