// Email codes as a second factor (`multifactor: {mode: 'REQUIRED', totp: true, email: true}` with
// `senders.email`), driven by the AWS SDK v3 as Amplify drives it (protocol doc
// cognito-passwordless-and-email-mfa.md §3): MFA_SETUP offering both factors, the email branch
// (MFA_SETUP {EMAIL} → EMAIL_OTP → tokens; a wrong code keeps the Session, five end it; a code is
// good once), a second user on TOTP, a user with both asked to SELECT_MFA_TYPE, SetUserMFAPreference
// / GetUser with EmailMfaSettings, the validation `ampx` makes (email MFA needs senders.email), and
// on two nodes a code requested on one accepted once on the other.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  GetUserPoolMfaConfigCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD, SEED_CONFIG, cognitoClient, listEmails, makeTempDir, readCredentials, removeDir, startSandbox, uniqueEmail, waitFor,
} from './lib/cognate.mjs';
import { TotpDevice, rejectsWith, signUpConfirmed } from './lib/sign_in.mjs';
import { startCluster } from './lib/cluster.mjs';

const FROM = 'security@workshop.example';

async function emailMfaConfig() {
  const seed = JSON.parse(await fs.readFile(SEED_CONFIG, 'utf8'));
  return {
    ...seed,
    multifactor: { mode: 'REQUIRED', totp: true, email: true },
    senders: { email: { fromEmail: FROM, fromName: 'Workshop' } },
  };
}

// Codes already used, by file: the outbox names files by the second, so order cannot tell.
const usedMails = new Set();

/** A sign-in code mailed to `to` not used before (subject "Your sign-in code"); marks it used. */
async function nextCode(dir, to) {
  const mail = await waitFor(async () => {
    const mails = await listEmails(dir, to);
    return mails.find((m) => m.subject === 'Your sign-in code' && m.code && !usedMails.has(m.file)) ?? null;
  }, { what: `a sign-in code for ${to}` });
  usedMails.add(mail.file);
  return mail;
}

describe('email MFA (sandbox, MFA REQUIRED with TOTP and email)', { timeout: 120_000 }, () => {
  let server;
  let client;
  let dir;
  const auth = (username, password = GOOD_PASSWORD) => client.send(new InitiateAuthCommand({
    ClientId: server.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password },
  }));
  const respond = (name, session, responses) => client.send(new RespondToAuthChallengeCommand({
    ClientId: server.clientId, ChallengeName: name, Session: session, ChallengeResponses: responses,
  }));

  before(async () => {
    dir = await makeTempDir();
    const config = path.join(dir, 'auth.json');
    await fs.writeFile(config, JSON.stringify(await emailMfaConfig()));
    server = await startSandbox({ dir, config });
    client = cognitoClient(server.endpoint);
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  it('offers both factors; amplify_outputs.json lists them', async () => {
    const outputs = JSON.parse(await fs.readFile(server.outputsFile, 'utf8'));
    assert.deepEqual(outputs.auth.mfa_methods, ['TOTP', 'EMAIL']);
    assert.equal(outputs.auth.mfa_configuration, 'REQUIRED');
  });

  it('a user chooses email at set-up, then signs in with emailed codes', async () => {
    const email = uniqueEmail('emailmfa');
    const sub = await signUpConfirmed(client, server, email);
    const first = await auth(email);
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    assert.deepEqual(JSON.parse(first.ChallengeParameters.MFAS_CAN_SETUP), ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
    // Amplify sends the address the user typed as EMAIL; another address than the account's is refused.
    await rejectsWith(respond('MFA_SETUP', first.Session, { USERNAME: email, EMAIL: 'someone-else@example.com' }),
      'InvalidParameterException', "The email address for MFA must be the account's email address.");
    const again = await auth(email);
    const challenge = await respond('MFA_SETUP', again.Session, { USERNAME: email, EMAIL: email });
    assert.equal(challenge.ChallengeName, 'EMAIL_OTP');
    assert.equal(challenge.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL');
    assert.match(challenge.ChallengeParameters.CODE_DELIVERY_DESTINATION, /^e\*\*\*@e\*\*\*$/);
    const mail = await nextCode(server.outbox, email);
    assert.equal(mail.from, `Workshop <${FROM}>`, "the pool's sender");
    assert.equal(mail.body.trim(), `Your sign-in code is ${mail.code}`);
    // A wrong code keeps the Session (Amplify retries on it); the right one signs in.
    const wrong = mail.code === '000000' ? '111111' : '000000';
    await rejectsWith(respond('EMAIL_OTP', challenge.Session, { USERNAME: sub, EMAIL_OTP_CODE: wrong }),
      'CodeMismatchException', 'Invalid code or auth state for the user.');
    const done = await respond('EMAIL_OTP', challenge.Session, { USERNAME: sub, EMAIL_OTP_CODE: mail.code });
    assert.ok(done.AuthenticationResult?.AccessToken);
    // Once: the same code on the same Session is refused (the Session is gone).
    await rejectsWith(respond('EMAIL_OTP', challenge.Session, { USERNAME: sub, EMAIL_OTP_CODE: mail.code }),
      'NotAuthorizedException');
    const profile = await client.send(new GetUserCommand({ AccessToken: done.AuthenticationResult.AccessToken }));
    assert.deepEqual(profile.UserMFASettingList, ['EMAIL_OTP']);
    assert.equal(profile.PreferredMfaSetting, 'EMAIL_OTP');

    // Later sign-ins ask for a new emailed code; an old code does not work on a new Session.
    const later = await auth(email);
    assert.equal(later.ChallengeName, 'EMAIL_OTP');
    await rejectsWith(respond('EMAIL_OTP', later.Session, { USERNAME: email, EMAIL_OTP_CODE: mail.code }),
      'CodeMismatchException');
    const laterMail = await nextCode(server.outbox, email);
    assert.notEqual(laterMail.code, undefined);
    const signedIn = await respond('EMAIL_OTP', later.Session, { USERNAME: email, EMAIL_OTP_CODE: laterMail.code });
    assert.ok(signedIn.AuthenticationResult?.IdToken);
  });

  it('a newer code ends the earlier one', async () => {
    const email = uniqueEmail('newer');
    await signUpConfirmed(client, server, email);
    const setup = await auth(email);
    const first = await respond('MFA_SETUP', setup.Session, { USERNAME: email, EMAIL: email });
    await respond('EMAIL_OTP', first.Session, { USERNAME: email, EMAIL_OTP_CODE: (await nextCode(server.outbox, email)).code });
    const older = await auth(email);
    const olderCode = await nextCode(server.outbox, email);
    const newer = await auth(email);
    const newerCode = await nextCode(server.outbox, email);
    await rejectsWith(respond('EMAIL_OTP', older.Session, { USERNAME: email, EMAIL_OTP_CODE: olderCode.code }),
      'NotAuthorizedException', 'Invalid session for the user.');
    const done = await respond('EMAIL_OTP', newer.Session, { USERNAME: email, EMAIL_OTP_CODE: newerCode.code });
    assert.ok(done.AuthenticationResult?.AccessToken);
  });

  it('five wrong codes end the Session', async () => {
    const email = uniqueEmail('fivewrong');
    await signUpConfirmed(client, server, email);
    const setup = await auth(email);
    // AWS documents the key as lower-case `email` (Amplify sends `EMAIL`): both are taken.
    const challenge = await respond('MFA_SETUP', setup.Session, { USERNAME: email, email });
    assert.equal(challenge.ChallengeName, 'EMAIL_OTP');
    const mail = await nextCode(server.outbox, email);
    const wrong = mail.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await rejectsWith(respond('EMAIL_OTP', challenge.Session, { USERNAME: email, EMAIL_OTP_CODE: wrong }),
        'CodeMismatchException');
    }
    await rejectsWith(respond('EMAIL_OTP', challenge.Session, { USERNAME: email, EMAIL_OTP_CODE: mail.code }),
      'NotAuthorizedException', 'Invalid session for the user.');
    // Wrong codes count toward the lockout as wrong passwords do: the right password is now
    // refused for a while, so codes cannot be guessed by signing in again and again.
    await rejectsWith(auth(email), 'NotAuthorizedException', 'Password attempts exceeded');
  });

  it('a second user chooses TOTP; with both enabled and none preferred, sign-in asks which', async () => {
    const email = uniqueEmail('both');
    const sub = await signUpConfirmed(client, server, email);
    const first = await auth(email);
    const associate = await client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const device = new TotpDevice(associate.SecretCode);
    const verify = await client.send(new VerifySoftwareTokenCommand({ Session: associate.Session, UserCode: await device.next() }));
    const done = await respond('MFA_SETUP', verify.Session, { USERNAME: email });
    const access = done.AuthenticationResult.AccessToken;
    assert.equal((await auth(email)).ChallengeName, 'SOFTWARE_TOKEN_MFA');

    // Email enabled too, neither preferred: SELECT_MFA_TYPE.
    await client.send(new SetUserMFAPreferenceCommand({
      AccessToken: access,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
      EmailMfaSettings: { Enabled: true, PreferredMfa: false },
    }));
    const profile = await client.send(new GetUserCommand({ AccessToken: access }));
    assert.deepEqual(profile.UserMFASettingList, ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
    assert.equal(profile.PreferredMfaSetting, undefined);
    const select = await auth(email);
    assert.equal(select.ChallengeName, 'SELECT_MFA_TYPE');
    assert.deepEqual(JSON.parse(select.ChallengeParameters.MFAS_CAN_CHOOSE), ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
    const emailed = await respond('SELECT_MFA_TYPE', select.Session, { USERNAME: sub, ANSWER: 'EMAIL_OTP' });
    assert.equal(emailed.ChallengeName, 'EMAIL_OTP');
    const mail = await nextCode(server.outbox, email);
    const viaEmail = await respond('EMAIL_OTP', emailed.Session, { USERNAME: sub, EMAIL_OTP_CODE: mail.code });
    assert.ok(viaEmail.AuthenticationResult?.AccessToken);
    // And by the app: TOTP chosen.
    const select2 = await auth(email);
    const totp = await respond('SELECT_MFA_TYPE', select2.Session, { USERNAME: sub, ANSWER: 'SOFTWARE_TOKEN_MFA' });
    assert.equal(totp.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const viaTotp = await respond('SOFTWARE_TOKEN_MFA', totp.Session, { USERNAME: sub, SOFTWARE_TOKEN_MFA_CODE: await device.next() });
    assert.ok(viaTotp.AuthenticationResult?.AccessToken);
    // Email preferred: asked directly.
    await client.send(new SetUserMFAPreferenceCommand({
      AccessToken: access, EmailMfaSettings: { Enabled: true, PreferredMfa: true },
    }));
    assert.equal((await client.send(new GetUserCommand({ AccessToken: access }))).PreferredMfaSetting, 'EMAIL_OTP');
    assert.equal((await auth(email)).ChallengeName, 'EMAIL_OTP');
  });

  it('email taken out of the pool live: an email-only user sets up TOTP at the next sign-in; back, as before', async () => {
    const email = uniqueEmail('switch');
    await signUpConfirmed(client, server, email);
    const setup = await auth(email);
    const challenge = await respond('MFA_SETUP', setup.Session, { USERNAME: email, EMAIL: email });
    const mail = await nextCode(server.outbox, email);
    await respond('EMAIL_OTP', challenge.Session, { USERNAME: email, EMAIL_OTP_CODE: mail.code });

    let from = server.output().length;
    await fs.writeFile(server.configFile, JSON.stringify({ ...(await emailMfaConfig()),
      multifactor: { mode: 'REQUIRED', totp: true } }));
    await server.waitForOutput(/✓ config applied: multifactor\.email true → false/, { from });
    const totpOnly = await auth(email);
    assert.equal(totpOnly.ChallengeName, 'MFA_SETUP', 'the pool no longer offers email: set up what it offers');
    assert.deepEqual(JSON.parse(totpOnly.ChallengeParameters.MFAS_CAN_SETUP), ['SOFTWARE_TOKEN_MFA']);
    // An email set-up answer is refused while the pool does not offer it.
    await rejectsWith(respond('MFA_SETUP', totpOnly.Session, { USERNAME: email, EMAIL: email }),
      'InvalidParameterException', 'Email MFA is not enabled for this user pool.');

    from = server.output().length;
    await fs.writeFile(server.configFile, JSON.stringify(await emailMfaConfig()));
    await server.waitForOutput(/✓ config applied: multifactor\.email false → true/, { from });
    assert.equal((await auth(email)).ChallengeName, 'EMAIL_OTP', 'offered again: the user\'s factor is as it was');
  });

  it('an operator removes a lost mailbox\'s factor (AdminSetUserMFAPreference): set-up again; and adds it back', async () => {
    const credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    const admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1 });
    const email = uniqueEmail('lostmailbox');
    await signUpConfirmed(client, server, email);
    const setup = await auth(email);
    const challenge = await respond('MFA_SETUP', setup.Session, { USERNAME: email, EMAIL: email });
    await respond('EMAIL_OTP', challenge.Session, { USERNAME: email, EMAIL_OTP_CODE: (await nextCode(server.outbox, email)).code });
    const before = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email }));
    assert.deepEqual(before.UserMFASettingList, ['EMAIL_OTP']);
    await admin.send(new AdminSetUserMFAPreferenceCommand({
      UserPoolId: server.poolId, Username: email, EmailMfaSettings: { Enabled: false },
    }));
    assert.equal((await auth(email)).ChallengeName, 'MFA_SETUP');
    await admin.send(new AdminSetUserMFAPreferenceCommand({
      UserPoolId: server.poolId, Username: email, EmailMfaSettings: { Enabled: true, PreferredMfa: true },
    }));
    const after = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: email }));
    assert.equal(after.PreferredMfaSetting, 'EMAIL_OTP');
    assert.equal((await auth(email)).ChallengeName, 'EMAIL_OTP');
    const config = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: server.poolId }));
    assert.deepEqual(config.EmailMfaConfiguration, { Message: 'Your sign-in code is {####}', Subject: 'Your sign-in code' });
    // What Get shows can be sent back as it is; another template is the config's to set.
    const echoed = await admin.send(new SetUserPoolMfaConfigCommand({
      UserPoolId: server.poolId, MfaConfiguration: config.MfaConfiguration,
      SoftwareTokenMfaConfiguration: config.SoftwareTokenMfaConfiguration, EmailMfaConfiguration: config.EmailMfaConfiguration,
    }));
    assert.deepEqual(echoed.EmailMfaConfiguration, config.EmailMfaConfiguration);
    await rejectsWith(admin.send(new SetUserPoolMfaConfigCommand({
      UserPoolId: server.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: { Message: 'Code: {####}', Subject: 'Code' },
    })), 'InvalidParameterException');

    // An invited user whose email is not verified yet: the right emailed code verifies it.
    const invited = uniqueEmail('invited');
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: server.poolId, Username: invited, TemporaryPassword: 'Temp-Passw0rd-1', MessageAction: 'SUPPRESS',
    }));
    const unverified = await admin.send(new AdminGetUserCommand({ UserPoolId: server.poolId, Username: invited }));
    assert.notEqual(unverified.UserAttributes.find((a) => a.Name === 'email_verified')?.Value, 'true');
    const first = await auth(invited, 'Temp-Passw0rd-1');
    const setupEmail = await respond('NEW_PASSWORD_REQUIRED', first.Session, { USERNAME: invited, NEW_PASSWORD: GOOD_PASSWORD });
    assert.equal(setupEmail.ChallengeName, 'MFA_SETUP');
    const code = await respond('MFA_SETUP', setupEmail.Session, { USERNAME: invited, EMAIL: invited });
    const signedIn = await respond('EMAIL_OTP', code.Session, { USERNAME: invited, EMAIL_OTP_CODE: (await nextCode(server.outbox, invited)).code });
    const profile = await client.send(new GetUserCommand({ AccessToken: signedIn.AuthenticationResult.AccessToken }));
    assert.equal(profile.UserAttributes.find((a) => a.Name === 'email_verified')?.Value, 'true');
  });

  it('refuses a config with email MFA but no senders.email, as ampx does', async () => {
    const from = server.output().length;
    const { senders, ...without } = await emailMfaConfig();
    void senders;
    await fs.writeFile(server.configFile, JSON.stringify(without));
    const refused = await server.waitForOutput(/✗ .* not applied, still serving the previous config: (.*)/, { from });
    assert.equal(refused[1], 'multifactor.email: To enable email-based MFA, set `email` property to the Amazon SES ' +
      'email-sending configuration: senders.email.fromEmail');
    await fs.writeFile(server.configFile, JSON.stringify(await emailMfaConfig()));
  });
});

describe('email MFA OPTIONAL, email only (sandbox)', { timeout: 60_000 }, () => {
  let server;
  let client;
  let dir;
  before(async () => {
    dir = await makeTempDir();
    const config = path.join(dir, 'auth.json');
    await fs.writeFile(config, JSON.stringify({ ...(await emailMfaConfig()), multifactor: { mode: 'OPTIONAL', email: true } }));
    server = await startSandbox({ dir, config });
    client = cognitoClient(server.endpoint);
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  it('writes the outputs ampx would, signs in without MFA until the user turns email codes on', async () => {
    const outputs = JSON.parse(await fs.readFile(server.outputsFile, 'utf8'));
    assert.deepEqual(outputs.auth, {
      aws_region: 'us-east-1',
      user_pool_id: server.poolId,
      user_pool_client_id: server.clientId,
      username_attributes: ['email'],
      standard_required_attributes: ['email'],
      user_verification_types: ['email'],
      mfa_configuration: 'OPTIONAL',
      mfa_methods: ['EMAIL'],
      password_policy: {
        min_length: 8, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true,
      },
      groups: [],
    });
    const email = uniqueEmail('optional');
    await signUpConfirmed(client, server, email);
    const auth = () => client.send(new InitiateAuthCommand({
      ClientId: server.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: GOOD_PASSWORD },
    }));
    const plain = await auth();
    const access = plain.AuthenticationResult.AccessToken;
    assert.ok(access, 'no MFA set up: signed in');
    await rejectsWith(client.send(new SetUserMFAPreferenceCommand({
      AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true },
    })), 'SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the userPool.');
    await client.send(new SetUserMFAPreferenceCommand({
      AccessToken: access, EmailMfaSettings: { Enabled: true, PreferredMfa: true },
    }));
    const challenge = await auth();
    assert.equal(challenge.ChallengeName, 'EMAIL_OTP');
    const code = await nextCode(server.outbox, email);
    const done = await client.send(new RespondToAuthChallengeCommand({
      ClientId: server.clientId, ChallengeName: 'EMAIL_OTP', Session: challenge.Session,
      ChallengeResponses: { USERNAME: email, EMAIL_OTP_CODE: code.code },
    }));
    assert.ok(done.AuthenticationResult?.AccessToken);
  });
});

describe('email MFA on two nodes (PostgreSQL)', { timeout: 90_000 }, () => {
  let cluster;
  before(async () => {
    cluster = await startCluster({ tag: 'emailmfa', config: await emailMfaConfig() });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a code requested on node A is accepted once, on node B', async () => {
    const { a: A, b: B } = cluster;
    const email = uniqueEmail('twonodes');
    await signUpConfirmed(A.client, A, email);
    const setup = await A.client.send(new InitiateAuthCommand({
      ClientId: cluster.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: GOOD_PASSWORD },
    }));
    const challenge = await A.client.send(new RespondToAuthChallengeCommand({
      ClientId: cluster.clientId, ChallengeName: 'MFA_SETUP', Session: setup.Session, ChallengeResponses: { USERNAME: email, EMAIL: email },
    }));
    const mail = await nextCode(cluster.mailDir, email);
    const answer = (node) => node.client.send(new RespondToAuthChallengeCommand({
      ClientId: cluster.clientId, ChallengeName: 'EMAIL_OTP', Session: challenge.Session,
      ChallengeResponses: { USERNAME: email, EMAIL_OTP_CODE: mail.code },
    }));
    const results = await Promise.allSettled([answer(B), answer(B), answer(A)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, `accepted once: ${JSON.stringify(results.map((r) => r.status === 'fulfilled' ? 'ok' : r.reason.name))}`);
    assert.ok(ok[0].value.AuthenticationResult.AccessToken);
  });
});
