// Account recovery and self-service, driven by the AWS SDK for JavaScript v3 against a real
// `cognate sandbox` (the seed config: email login, MFA REQUIRED with TOTP): ForgotPassword and
// ConfirmForgotPassword, ChangePassword, an email change verified by code, DeleteUserAttributes,
// DeleteUser; what unknown names and RESET_REQUIRED users get; codes read from the outbox.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ChangePasswordCommand,
  ConfirmSignUpCommand,

  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD,
  SEED_BODY,
  SEED_SUBJECT,
  cognitoClient,
  listEmails,
  rawCall,
  startSandbox,
  uniqueEmail,
  waitForEmail,
} from './lib/cognate.mjs';
import {
  answerTotp,
  enrolledUser,
  passwordAuth,
  rejectsWith,
  signUpConfirmed,
} from './lib/sign_in.mjs';

const execFileP = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const NEW_PASSWORD = 'N3w-Passw0rd!';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MSG = {
  badCredentials: 'Incorrect username or password.',
  mismatch: 'Invalid verification code provided, please try again.',
  expired: 'Invalid code provided, please request a code again.',
  limit: 'Attempt limit exceeded, please try after some time.',
  resetRequired: 'Password reset required for the user',
  refreshRevoked: 'Refresh Token has been revoked',
  accessRevoked: 'Access Token has been revoked',
  noUser: 'User does not exist.',
  immutable: 'user.sub: Attribute cannot be updated.',
};

/** A 6-digit code that is not `code`. */
const otherCode = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The attributes of a GetUser answer as a {name: value} map. */
const attributesOf = (user) => Object.fromEntries(user.UserAttributes.map((a) => [a.Name, a.Value]));

/** Runs SQL on the sandbox's SQLite database (what an admin API will do later). */
async function sqlite(server, sql) {
  const db = path.join(server.dataDir, 'cognate.db');
  await execFileP(PYTHON, ['-c', `import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()`, db, sql], { timeout: 10_000 });
}

describe('account recovery and self-service (SDK v3, sandbox)', () => {
  let server;
  let client;
  // What must never appear in the server's output: passwords, codes, tokens, new addresses.
  // (GOOD_PASSWORD is not among them: the sandbox banner prints it in its sample command.)
  const secrets = new Set([NEW_PASSWORD, 'Wr0ng-Passw0rd!']);

  before(async () => {
    server = await startSandbox({ extraArgs: ['--log-level', 'debug'] });
    client = cognitoClient(server.endpoint);
  });
  after(async () => {
    await server?.stop();
  });

  const forgot = (username) =>
    client.send(new ForgotPasswordCommand({ ClientId: server.clientId, Username: username }));
  const confirmReset = (username, code, password = NEW_PASSWORD) =>
    client.send(new ConfirmForgotPasswordCommand({
      ClientId: server.clientId, Username: username, ConfirmationCode: code, Password: password,
    }));

  it('resets a forgotten password with the emailed code; the next sign-in still asks for TOTP', async () => {
    const user = await enrolledUser(client, server, 'forgot');
    const seen = await listEmails(server.outbox, user.email);
    const sent = await forgot(user.email);
    assert.deepEqual(sent.CodeDeliveryDetails, {
      AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'f***@e***',
    });
    const mail = await waitForEmail(server.outbox, user.email, { seen });
    secrets.add(mail.code);
    secrets.add(user.tokens.AccessToken);
    secrets.add(user.tokens.RefreshToken);
    assert.equal(mail.subject, SEED_SUBJECT);
    assert.equal(mail.body.trim(), SEED_BODY.replace('{####}', mail.code));
    await rejectsWith(confirmReset(user.email, otherCode(mail.code)), 'CodeMismatchException', MSG.mismatch);
    await confirmReset(user.email, mail.code);
    // The old password is refused; the new one leads to the TOTP challenge, not to tokens.
    await rejectsWith(passwordAuth(client, server, user.email), 'NotAuthorizedException', MSG.badCredentials);
    const challenge = await passwordAuth(client, server, user.email, NEW_PASSWORD);
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(challenge.AuthenticationResult, undefined);
    const signedIn = await answerTotp(client, server, challenge, user.email, await user.device.next());
    assert.ok(signedIn.AuthenticationResult.AccessToken);
    // The sign-in from before the reset is over: its refresh and access tokens are revoked.
    await rejectsWith(client.send(new GetTokensFromRefreshTokenCommand({
      ClientId: server.clientId, RefreshToken: user.tokens.RefreshToken,
    })), 'NotAuthorizedException', MSG.refreshRevoked);
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })),
      'NotAuthorizedException', MSG.accessRevoked);
    // The code was spent.
    await rejectsWith(confirmReset(user.email, mail.code), 'ExpiredCodeException', MSG.expired);
  });

  it('answers an unknown email exactly like a known one, request after request, and sends nothing', async () => {
    const known = uniqueEmail('probe');
    await signUpConfirmed(client, server, known);
    const unknown = uniqueEmail('probe'); // same shape, never signed up
    const before = (await listEmails(server.outbox, known)).length;
    // Eight requests (the budget is five an hour), then eight wrong codes (the cap is five), raw
    // so that no SDK retry hides an answer.
    const sequence = async (name) => {
      const answers = [];
      for (let i = 0; i < 8; i++) {
        const r = await rawCall(server.endpoint, 'ForgotPassword', { ClientId: server.clientId, Username: name });
        answers.push({ status: r.status, type: r.json.__type, message: r.json.message,
          delivery: r.json.CodeDeliveryDetails && { ...r.json.CodeDeliveryDetails } });
      }
      for (let i = 0; i < 8; i++) {
        const r = await rawCall(server.endpoint, 'ConfirmForgotPassword', {
          ClientId: server.clientId, Username: name, ConfirmationCode: '000000', Password: NEW_PASSWORD,
        });
        answers.push({ status: r.status, type: r.json.__type, message: r.json.message });
      }
      return answers;
    };
    const a = await sequence(known);
    const b = await sequence(unknown);
    assert.equal(a.length, 16);
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(b[i], a[i], `answer ${i}`);
    }
    assert.equal(a[0].status, 200);
    assert.equal(a[0].delivery.Destination, 'p***@e***');
    assert.equal(a[5].type, 'LimitExceededException');
    assert.equal(a[5].message, MSG.limit);
    assert.equal(a[8].type, 'CodeMismatchException');
    assert.equal(a[13].type, 'ExpiredCodeException');
    // Five mails to the known address, none to the unknown one.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await listEmails(server.outbox, known)).length - before, 5);
    assert.equal((await listEmails(server.outbox, unknown)).length, 0);
  });

  it('counts the SDK\'s own retries of LimitExceededException right: they send no mail', async () => {
    const email = uniqueEmail('retry');
    await signUpConfirmed(client, server, email);
    const before = (await listEmails(server.outbox, email)).length;
    const retrying = new CognitoIdentityProviderClient({
      region: 'us-east-1', endpoint: server.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 3,
    });
    for (let i = 0; i < 5; i++) {
      const r = await retrying.send(new ForgotPasswordCommand({ ClientId: server.clientId, Username: email }));
      assert.equal(r.$metadata.attempts, 1);
    }
    const error = await rejectsWith(
      retrying.send(new ForgotPasswordCommand({ ClientId: server.clientId, Username: email })),
      'LimitExceededException', MSG.limit);
    assert.equal(error.$metadata.attempts, 3, 'the SDK tried three times');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await listEmails(server.outbox, email)).length - before, 5);
  });

  it('sends a RESET_REQUIRED user to the reset, which makes the user CONFIRMED again', async () => {
    const email = uniqueEmail('resetreq');
    const sub = await signUpConfirmed(client, server, email);
    await sqlite(server, `UPDATE users SET status = 'RESET_REQUIRED' WHERE id = '${sub}'`);
    await rejectsWith(passwordAuth(client, server, email), 'PasswordResetRequiredException', MSG.resetRequired);
    // A wrong password is still just a wrong password.
    await rejectsWith(passwordAuth(client, server, email, 'Wr0ng-Passw0rd!'), 'NotAuthorizedException', MSG.badCredentials);
    const seen = await listEmails(server.outbox, email);
    await forgot(email);
    const mail = await waitForEmail(server.outbox, email, { seen });
    await confirmReset(email, mail.code);
    const next = await passwordAuth(client, server, email, NEW_PASSWORD);
    assert.equal(next.ChallengeName, 'MFA_SETUP');
  });

  it('changes the password with the previous one; a wrong previous one is refused', async () => {
    const user = await enrolledUser(client, server, 'change');
    const change = (previous, proposed) => client.send(new ChangePasswordCommand({
      AccessToken: user.tokens.AccessToken, PreviousPassword: previous, ProposedPassword: proposed,
    }));
    await rejectsWith(change('Wr0ng-Passw0rd!', NEW_PASSWORD), 'NotAuthorizedException', MSG.badCredentials);
    await rejectsWith(change(GOOD_PASSWORD, 'short'), 'InvalidPasswordException',
      'Password did not conform with policy: Password not long enough');
    await change(GOOD_PASSWORD, NEW_PASSWORD);
    await rejectsWith(passwordAuth(client, server, user.email), 'NotAuthorizedException', MSG.badCredentials);
    assert.equal((await passwordAuth(client, server, user.email, NEW_PASSWORD)).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    // The access token stays valid, as in Cognito.
    await client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken }));
  });

  it('keeps the old email until the new one is verified with the code sent to it', async () => {
    const user = await enrolledUser(client, server, 'move');
    const newEmail = uniqueEmail('moved');
    const updated = await client.send(new UpdateUserAttributesCommand({
      AccessToken: user.tokens.AccessToken,
      UserAttributes: [{ Name: 'email', Value: newEmail }, { Name: 'name', Value: 'Moved User' }],
    }));
    assert.deepEqual(updated.CodeDeliveryDetailsList, [
      { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'm***@e***' },
    ]);
    const mail = await waitForEmail(server.outbox, newEmail);
    secrets.add(newEmail);
    secrets.add(mail.code);
    assert.equal(mail.subject, SEED_SUBJECT);
    let me = attributesOf(await client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })));
    assert.equal(me.email, user.email);
    assert.equal(me.email_verified, 'true');
    assert.equal(me.name, 'Moved User');
    assert.equal((await passwordAuth(client, server, user.email)).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    await rejectsWith(passwordAuth(client, server, newEmail), 'NotAuthorizedException', MSG.badCredentials);
    // A fresh code goes to the pending address too.
    const resent = await client.send(new GetUserAttributeVerificationCodeCommand({
      AccessToken: user.tokens.AccessToken, AttributeName: 'email',
    }));
    assert.equal(resent.CodeDeliveryDetails.Destination, 'm***@e***');
    const latest = await waitForEmail(server.outbox, newEmail, { seen: [mail] });
    await rejectsWith(client.send(new VerifyUserAttributeCommand({
      AccessToken: user.tokens.AccessToken, AttributeName: 'email', Code: otherCode(latest.code),
    })), 'CodeMismatchException', MSG.mismatch);
    await client.send(new VerifyUserAttributeCommand({
      AccessToken: user.tokens.AccessToken, AttributeName: 'email', Code: latest.code,
    }));
    me = attributesOf(await client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })));
    assert.equal(me.email, newEmail);
    assert.equal(me.email_verified, 'true');
    assert.equal((await passwordAuth(client, server, newEmail)).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    await rejectsWith(passwordAuth(client, server, user.email), 'NotAuthorizedException', MSG.badCredentials);
    // Attributes a user may not write, and deleting one that may go.
    await rejectsWith(client.send(new UpdateUserAttributesCommand({
      AccessToken: user.tokens.AccessToken, UserAttributes: [{ Name: 'sub', Value: 'x' }],
    })), 'NotAuthorizedException');
    await rejectsWith(client.send(new UpdateUserAttributesCommand({
      AccessToken: user.tokens.AccessToken, UserAttributes: [{ Name: 'custom:nope', Value: 'x' }],
    })), 'InvalidParameterException');
    await client.send(new DeleteUserAttributesCommand({
      AccessToken: user.tokens.AccessToken, UserAttributeNames: ['name'],
    }));
    me = attributesOf(await client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })));
    assert.equal(me.name, undefined);
    await rejectsWith(client.send(new DeleteUserAttributesCommand({
      AccessToken: user.tokens.AccessToken, UserAttributeNames: ['email'],
    })), 'InvalidParameterException');
  });

  it('refuses an address that became another user\'s before it was verified', async () => {
    const user = await enrolledUser(client, server, 'alias');
    const wanted = uniqueEmail('wanted');
    await client.send(new UpdateUserAttributesCommand({
      AccessToken: user.tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: wanted }],
    }));
    const mail = await waitForEmail(server.outbox, wanted);
    // Someone else signs up with that address meanwhile.
    await client.send(new SignUpCommand({
      ClientId: server.clientId, Username: wanted, Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: wanted }],
    }));
    const signUpMail = await waitForEmail(server.outbox, wanted, { seen: [mail] });
    await client.send(new ConfirmSignUpCommand({
      ClientId: server.clientId, Username: wanted, ConfirmationCode: signUpMail.code,
    }));
    await rejectsWith(client.send(new VerifyUserAttributeCommand({
      AccessToken: user.tokens.AccessToken, AttributeName: 'email', Code: mail.code,
    })), 'AliasExistsException', 'An account with the given email already exists.');
  });

  it('deletes the account: its tokens are refused at once and the email can sign up again', async () => {
    const user = await enrolledUser(client, server, 'gone');
    await client.send(new DeleteUserCommand({ AccessToken: user.tokens.AccessToken }));
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: user.tokens.AccessToken })),
      'NotAuthorizedException', MSG.noUser);
    await rejectsWith(client.send(new GetTokensFromRefreshTokenCommand({
      ClientId: server.clientId, RefreshToken: user.tokens.RefreshToken,
    })), 'NotAuthorizedException', 'Invalid Refresh Token');
    await rejectsWith(passwordAuth(client, server, user.email), 'NotAuthorizedException', MSG.badCredentials);
    const again = await client.send(new SignUpCommand({
      ClientId: server.clientId, Username: user.email, Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: user.email }],
    }));
    assert.match(again.UserSub, UUID);
    assert.notEqual(again.UserSub, user.sub);
  });

  it('writes no password, code, token or new address to its output (debug logging on)', () => {
    // The sandbox's outbox shows each email it delivers on the terminal ("✉  email to …" and the
    // code on the next line): that is the mail itself, the developer's inbox, not a log line.
    const lines = `${server.output()}\n${server.errorOutput?.() ?? ''}`.split('\n');
    const output = lines.filter((l, i) => !l.startsWith('✉') && !lines[i - 1]?.startsWith('✉')).join('\n');
    assert.ok(lines.some((l) => l.startsWith('✉')), 'the outbox notices were captured');

    assert.ok(output.includes('listening'), 'the output was captured');
    assert.ok(secrets.size >= 7, `only ${secrets.size} secrets collected`);
    for (const secret of secrets) {
      const line = output.split('\n').find((l) => l.includes(secret));
      assert.equal(line, undefined, `the output contains ${secret.slice(0, 12)}…`);

    }
  });
});
