// Sign-up, confirmation and code resend, driven by the AWS SDK for JavaScript v3 against a real
// `cognate sandbox`; codes are read from the .eml files the sandbox writes.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD,
  SEED_BODY,
  SEED_SUBJECT,
  cognitoClient,
  listEmails,
  makeTempDir,
  rawCall,
  removeDir,
  sleep,
  startSandbox,
  uniqueEmail,
  waitForEmail,
} from './lib/cognate.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MSG = {
  exists: 'An account with the given email already exists.',
  mismatch: 'Invalid verification code provided, please try again.',
  expired: 'Invalid code provided, please request a code again.',
  alreadyConfirmed: 'User is already confirmed.',
  cannotConfirm: 'User cannot be confirmed. Current status is CONFIRMED',
  notEmail: 'Username should be an email.',
  limit: 'Attempt limit exceeded, please try after some time.',
};

/** "abc@example.com" → "a***@e***" (how Cognito masks an e-mail destination). */
const masked = (email) => {
  const [local, domain] = email.split('@');
  return `${local[0]}***@${domain[0]}***`;
};

/** A 6-digit code that is not `code`. */
const otherCode = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The Cognito error `promise` rejects with, asserted to have this name, message and status. */
async function rejectsWith(promise, name, message, status = 400) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.name, name, `error name (message: ${error.message})`);
  if (message !== undefined) {
    assert.equal(error.message, message);
  }
  assert.equal(error.$metadata?.httpStatusCode, status, 'HTTP status');
  return error;
}

function assertDelivery(details, email) {
  assert.deepEqual(details, {
    AttributeName: 'email',
    DeliveryMedium: 'EMAIL',
    Destination: masked(email),
  });
}

describe('sign-up and confirmation (sandbox, SDK v3)', () => {
  let server;
  let client;

  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  const signUp = (Username, Password = GOOD_PASSWORD, ClientId = server.clientId) =>
    client.send(new SignUpCommand({
      ClientId,
      Username,
      Password,
      UserAttributes: [{ Name: 'email', Value: Username }],
    }));
  const confirm = (Username, ConfirmationCode, ClientId = server.clientId) =>
    client.send(new ConfirmSignUpCommand({ ClientId, Username, ConfirmationCode }));
  const resend = (Username, ClientId = server.clientId) =>
    client.send(new ResendConfirmationCodeCommand({ ClientId, Username }));
  const emailTo = (to, seen = []) => waitForEmail(server.outbox, to, { seen });

  it('answers SignUp with an unconfirmed user, a UUID sub and masked e-mail delivery details', async () => {
    const email = uniqueEmail('shape');
    const res = await signUp(email);
    assert.equal(res.$metadata.httpStatusCode, 200);
    assert.equal(res.UserConfirmed, false);
    assert.match(res.UserSub, UUID);
    assertDelivery(res.CodeDeliveryDetails, email);
    assert.ok(!JSON.stringify(res).includes(email), 'the full address is not echoed back');
    assert.match(res.$metadata.requestId ?? '', UUID, 'x-amzn-RequestId is a UUID');
  });

  it('emails the configured subject and body with a 6-digit code that confirms the user', async () => {
    const email = uniqueEmail('mail');
    const before = Date.now();
    await signUp(email);
    const mail = await emailTo(email);

    assert.equal(mail.subject, SEED_SUBJECT);
    assert.equal(mail.to, email);
    assert.match(mail.code, /^\d{6}$/);
    assert.equal(mail.body.replace(/\r?\n$/, ''), SEED_BODY.replace('{####}', mail.code));
    assert.match(mail.from ?? '', /^.*<[^<>@\s]+@[^<>@\s]+>$|^[^<>@\s]+@[^<>@\s]+$/, 'From is an address');
    assert.match(mail.messageId ?? '', /^<[^<>@\s]+@[^<>@\s]+>$/, 'Message-ID is <id@domain>');
    const date = Date.parse(mail.date ?? '');
    assert.ok(Number.isFinite(date), `Date header parses: ${mail.date}`);
    assert.ok(Math.abs(date - before) < 120_000, `Date header is about now: ${mail.date}`);
    assert.equal(mail.header('mime-version'), '1.0');
    assert.match(mail.header('content-type') ?? '', /^text\/plain;\s*charset="?utf-8"?$/i);
    assert.match(mail.raw, /\r?\n\r?\n/, 'headers and body are separated by a blank line');

    const res = await confirm(email, mail.code);
    assert.equal(res.$metadata.httpStatusCode, 200);
  });

  it('rejects a second sign-up with the same e-mail, unconfirmed or confirmed, in any case', async () => {
    const email = uniqueEmail('dup');
    await signUp(email);
    await rejectsWith(signUp(email), 'UsernameExistsException', MSG.exists);
    await rejectsWith(signUp(email.toUpperCase()), 'UsernameExistsException', MSG.exists);
    const mail = await emailTo(email);
    await confirm(email, mail.code);
    await rejectsWith(signUp(email), 'UsernameExistsException', MSG.exists);
    const mixed = email[0].toUpperCase() + email.slice(1).replace('@example.com', '@EXAMPLE.com');
    await rejectsWith(signUp(mixed), 'UsernameExistsException', MSG.exists);
    assert.equal((await listEmails(server.outbox, email)).length, 1, 'rejected sign-ups send no email');
  });

  it('confirms a user signed up in upper case with the lower-case address and vice versa', async () => {
    const email = uniqueEmail('case');
    await signUp(email.toUpperCase());
    const mail = await emailTo(email);
    await confirm(email, mail.code);
    await rejectsWith(resend(email.toUpperCase()), 'InvalidParameterException', MSG.alreadyConfirmed);
  });

  for (const [rule, password] of [
    ['Password not long enough', 'Pa1!wd'],
    ['Password must have lowercase characters', 'PASSW0RD!'],
    ['Password must have uppercase characters', 'passw0rd!'],
    ['Password must have numeric characters', 'Password!'],
    ['Password must have symbol characters', 'Passw0rdX'],
  ]) {
    it(`rejects a weak password: ${rule}`, async () => {
      const email = uniqueEmail('weak');
      await rejectsWith(
        signUp(email, password),
        'InvalidPasswordException',
        `Password did not conform with policy: ${rule}`,
      );
      // Nothing was created: the same address can still sign up with a good password.
      const res = await signUp(email);
      assert.equal(res.UserConfirmed, false);
    });
  }

  it('rejects a user name that is not an e-mail address', async () => {
    await rejectsWith(signUp('not-an-email'), 'InvalidParameterException', MSG.notEmail);
  });

  it('rejects a wrong code with CodeMismatchException and still accepts the right one', async () => {
    const email = uniqueEmail('wrong');
    await signUp(email);
    const mail = await emailTo(email);
    await rejectsWith(confirm(email, otherCode(mail.code)), 'CodeMismatchException', MSG.mismatch);
    await confirm(email, mail.code);
  });

  it('resend emails a different code; the old one is then expired and the new one confirms', async () => {
    const email = uniqueEmail('resend');
    await signUp(email);
    const first = await emailTo(email);
    const res = await resend(email);
    assert.equal(res.$metadata.httpStatusCode, 200);
    assertDelivery(res.CodeDeliveryDetails, email);
    const second = await emailTo(email, [first]);
    assert.equal(second.subject, SEED_SUBJECT);
    assert.notEqual(second.code, first.code);
    assert.notEqual(second.messageId, first.messageId);
    await rejectsWith(confirm(email, first.code), 'ExpiredCodeException', MSG.expired);
    await confirm(email, second.code);
  });

  it('resend for a confirmed user answers "User is already confirmed." and sends nothing', async () => {
    const email = uniqueEmail('confirmed');
    await signUp(email);
    const mail = await emailTo(email);
    await confirm(email, mail.code);
    await rejectsWith(resend(email), 'InvalidParameterException', MSG.alreadyConfirmed);
    await sleep(300);
    assert.equal((await listEmails(server.outbox, email)).length, 1);
  });

  it('confirming twice answers NotAuthorizedException with the CONFIRMED status', async () => {
    const email = uniqueEmail('twice');
    await signUp(email);
    const mail = await emailTo(email);
    await confirm(email, mail.code);
    await rejectsWith(confirm(email, mail.code), 'NotAuthorizedException', MSG.cannotConfirm);
  });

  it('five wrong codes burn the code: the sixth attempt, even with the right code, is expired', async () => {
    const email = uniqueEmail('burn');
    await signUp(email);
    const mail = await emailTo(email);
    const wrong = otherCode(mail.code);
    for (let i = 1; i <= 5; i++) {
      await rejectsWith(confirm(email, wrong), 'CodeMismatchException', MSG.mismatch);
    }
    await rejectsWith(confirm(email, mail.code), 'ExpiredCodeException', MSG.expired);
    // A fresh code recovers.
    await resend(email);
    const fresh = await emailTo(email, [mail]);
    await confirm(email, fresh.code);
  });

  it('limits codes to five per user per hour (sign-up + 4 resends), keeping the last code valid', async () => {
    const email = uniqueEmail('limit');
    await signUp(email);
    const seen = [await emailTo(email)];
    for (let i = 1; i <= 4; i++) {
      await resend(email);
      seen.push(await emailTo(email, seen));
    }
    const last = seen.at(-1);
    await rejectsWith(resend(email), 'LimitExceededException', MSG.limit);
    await sleep(300);
    assert.equal((await listEmails(server.outbox, email)).length, 5, 'no sixth email');
    await confirm(email, last.code);
  });

  it('confirming an unknown user answers CodeMismatchException (no user enumeration)', async () => {
    await rejectsWith(confirm(uniqueEmail('ghost'), '123456'), 'CodeMismatchException', MSG.mismatch);
  });

  it('resend for an unknown user answers 200 with delivery details and sends no email', async () => {
    const email = uniqueEmail('ghost');
    const res = await resend(email);
    assert.equal(res.$metadata.httpStatusCode, 200);
    assertDelivery(res.CodeDeliveryDetails, email);
    await sleep(500);
    assert.deepEqual(await listEmails(server.outbox, email), []);
  });

  // Regression: the destination mask keeps whole UTF-8 characters (it once kept the first byte,
  // which made the response invalid UTF-8: "\xC3***@e***" for "élise@…").
  it('masks an address that starts with a non-ASCII letter without breaking UTF-8', async () => {
    const email = `élise-${uniqueEmail('utf8')}`;
    const signUpRes = await rawCall(server.endpoint, 'SignUp',
      { ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD });
    const unknownRes = await rawCall(server.endpoint, 'ResendConfirmationCode',
      { ClientId: server.clientId, Username: `ß${uniqueEmail('utf8')}` });
    for (const [res, first] of [[signUpRes, 'é'], [unknownRes, 'ß']]) {
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(res.bytes),
        `response is valid UTF-8: ${res.bytes.toString('latin1')}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.CodeDeliveryDetails.Destination, `${first}***@e***`);
    }
  });

  it('answers ResourceNotFoundException for an unknown ClientId on every operation', async () => {
    const email = uniqueEmail('client');
    const bad = 'nosuchclient0000000000000';
    const message = `User pool client ${bad} does not exist.`;
    await rejectsWith(signUp(email, GOOD_PASSWORD, bad), 'ResourceNotFoundException', message);
    await rejectsWith(confirm(email, '123456', bad), 'ResourceNotFoundException', message);
    await rejectsWith(resend(email, bad), 'ResourceNotFoundException', message);
    // And nothing was created.
    await signUp(email);
  });
});

describe('code expiry (sandbox with --code-lifetime 2s)', () => {
  let server;
  let client;

  before(async () => {
    server = await startSandbox({ codeLifetime: '2s' });
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('an expired code answers ExpiredCodeException; a resent code then confirms', async () => {
    const email = uniqueEmail('expire');
    const { clientId } = server;
    await client.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: GOOD_PASSWORD }));
    const mail = await waitForEmail(server.outbox, email);
    await sleep(3_000);
    await rejectsWith(
      client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: mail.code })),
      'ExpiredCodeException',
      MSG.expired,
    );
    await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: email }));
    const fresh = await waitForEmail(server.outbox, email, { seen: [mail] });
    const res = await client.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: fresh.code }),
    );
    assert.equal(res.$metadata.httpStatusCode, 200);
  });
});

describe('restart of the sandbox on the same --dir', () => {
  let dir;
  let server;

  before(async () => {
    dir = await makeTempDir();
  });

  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  it('keeps the pool id, the client id and a pending user, whose code still confirms', async () => {
    server = await startSandbox({ dir });
    const first = { poolId: server.poolId, clientId: server.clientId, endpoint: server.endpoint };
    let client = cognitoClient(server.endpoint);
    const email = uniqueEmail('restart');
    await client.send(new SignUpCommand({ ClientId: first.clientId, Username: email, Password: GOOD_PASSWORD }));
    const mail = await waitForEmail(server.outbox, email);
    client.destroy();
    const exit = await server.stop();
    assert.equal(exit.code, 0, `sandbox exits cleanly on SIGTERM: ${JSON.stringify(exit)}`);

    server = await startSandbox({ dir });
    assert.equal(server.poolId, first.poolId);
    assert.equal(server.clientId, first.clientId);
    client = cognitoClient(server.endpoint);
    try {
      await rejectsWith(
        client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD })),
        'UsernameExistsException',
        MSG.exists,
      );
      const res = await client.send(
        new ConfirmSignUpCommand({ ClientId: server.clientId, Username: email, ConfirmationCode: mail.code }),
      );
      assert.equal(res.$metadata.httpStatusCode, 200);
      await rejectsWith(
        client.send(new ResendConfirmationCodeCommand({ ClientId: server.clientId, Username: email })),
        'InvalidParameterException',
        MSG.alreadyConfirmed,
      );
    } finally {
      client.destroy();
    }
  });
});
