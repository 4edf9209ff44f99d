// Sign-in with USER_PASSWORD_AUTH, driven by the AWS SDK for JavaScript v3 against a real
// `cognate sandbox` (and `cognate serve` for the flow switch): TOTP set-up and challenges in the
// three MFA modes, refresh, revocation, sessions, lockout and tampered tokens.
//
// TOTP codes are computed here (lib/sign_in.mjs). The server accepts each time step once, so a
// user's second accepted code is the next step's (accepted one step early): no test waits for
// the clock, and every user needs at most two accepted codes.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AssociateSoftwareTokenCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD,
  cognitoClient,
  makeTempDir,
  removeDir,
  startSandbox,
  startServe,
  uniqueEmail,
} from './lib/cognate.mjs';
import {
  TotpDevice,
  answerTotp,
  completeTotpSetup,
  decodeJwt,
  enrolledUser,
  flipPayloadChar,
  passwordAuth,
  rejectsWith,
  seedConfigWithMode,
  signUpConfirmed,
  tamperJwt,
  wrongTotp,
  writeSeedConfigWithMode,
} from './lib/sign_in.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WRONG_PASSWORD = 'Wr0ng-Passw0rd!';

const MSG = {
  badCredentials: 'Incorrect username or password.',
  lockedOut: 'Password attempts exceeded',
  notConfirmed: 'User is not confirmed.',
  badMfaCode: 'Invalid code or auth state for the user.',
  badSession: 'Invalid session for the user.',
  badVerifyCode: 'Code mismatch and fail enable Software Token MFA',
  totpOff: 'Software Token MFA has not been enabled by the userPool.',
  totpNotSetUp: 'User has not set up software token mfa',
  accessRevoked: 'Access Token has been revoked',
  refreshRevoked: 'Refresh Token has been revoked',
  invalidAccess: 'Invalid Access Token',
  invalidRefresh: 'Invalid Refresh Token',
  flowDisabled: 'USER_PASSWORD_AUTH flow not enabled for this client',
};

// The sandbox polls its config every 300 ms; allow slack on a busy 2-core machine.
const APPLY_TIMEOUT_MS = 3_000;

/** Checks the shape of a sign-in's AuthenticationResult (with a refresh token unless `refresh`). */
function assertTokens(result, { refresh = false } = {}) {
  const auth = result.AuthenticationResult;
  assert.ok(auth, `tokens, not a challenge: ${JSON.stringify({ ...result, $metadata: undefined })}`);
  assert.equal(result.ChallengeName, undefined);
  assert.equal(auth.TokenType, 'Bearer');
  assert.equal(auth.ExpiresIn, 3600);
  assert.equal(decodeJwt(auth.AccessToken).payload.token_use, 'access');
  assert.equal(decodeJwt(auth.IdToken).payload.token_use, 'id');
  if (refresh) {
    assert.equal(auth.RefreshToken, undefined, 'a refresh answers no new refresh token');
  } else {
    assert.match(auth.RefreshToken ?? '', /^[A-Za-z0-9\-_=.]{20,}$/, 'an opaque refresh token');
  }
  assert.equal(auth.NewDeviceMetadata, undefined, 'no device tracking');
  return auth;
}

const attributesOf = (getUser) => Object.fromEntries(getUser.UserAttributes.map((a) => [a.Name, a.Value]));

describe('sign-in journey, MFA REQUIRED (sandbox, SDK v3, USER_PASSWORD_AUTH)', () => {
  let server;
  let client;
  const user = {}; // filled by the journey, used by the refresh and revocation tests

  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  const getUser = (AccessToken) => client.send(new GetUserCommand({ AccessToken }));
  const refreshWithGetTokens = (RefreshToken) =>
    client.send(new GetTokensFromRefreshTokenCommand({ ClientId: server.clientId, RefreshToken }));
  const refreshWithInitiateAuth = (REFRESH_TOKEN) =>
    client.send(new InitiateAuthCommand({
      ClientId: server.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN },
    }));

  it('signs up, confirms from the outbox, sets up TOTP at MFA_SETUP and gets tokens', async () => {
    user.email = uniqueEmail('journey');
    user.sub = await signUpConfirmed(client, server, user.email);
    assert.match(user.sub, UUID);

    const challenge = await passwordAuth(client, server, user.email);
    assert.equal(challenge.ChallengeName, 'MFA_SETUP');
    assert.deepEqual(challenge.ChallengeParameters, { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });
    assert.ok(challenge.Session?.length >= 20, 'a Session');
    assert.equal(challenge.AuthenticationResult, undefined);

    const associate = await client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session }));
    assert.match(associate.SecretCode, /^[A-Z2-7]{32,}$/, 'a base32 secret of 20+ bytes');
    assert.ok(associate.Session?.length >= 20, 'AssociateSoftwareToken {Session} answers a Session');
    user.device = new TotpDevice(associate.SecretCode);

    const verify = await client.send(new VerifySoftwareTokenCommand({
      Session: associate.Session,
      UserCode: await user.device.next(),
      FriendlyDeviceName: 'phone',
    }));
    assert.equal(verify.Status, 'SUCCESS');
    assert.ok(verify.Session?.length >= 20, 'VerifySoftwareToken {Session} answers a Session');

    const result = await client.send(new RespondToAuthChallengeCommand({
      ClientId: server.clientId,
      ChallengeName: 'MFA_SETUP',
      Session: verify.Session,
      ChallengeResponses: { USERNAME: user.email },
    }));
    user.setupTokens = assertTokens(result);
    assert.deepEqual(result.ChallengeParameters ?? {}, {});
    assert.equal(decodeJwt(user.setupTokens.AccessToken).payload.sub, user.sub);
  });

  it('GetUser shows the verified e-mail and TOTP as the preferred and only MFA', async () => {
    const res = await getUser(user.setupTokens.AccessToken);
    assert.equal(res.Username, user.sub);
    assert.deepEqual(attributesOf(res), { sub: user.sub, email: user.email, email_verified: 'true' });
    assert.equal(res.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    assert.deepEqual(res.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
    assert.equal(res.MFAOptions, undefined, 'no legacy SMS MFAOptions');
  });

  it('challenges the next sign-in with SOFTWARE_TOKEN_MFA and answers tokens for the next code', async () => {
    const challenge = await passwordAuth(client, server, user.email);
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.ok(challenge.Session?.length >= 20);
    assert.equal(challenge.AuthenticationResult, undefined);
    // The code VerifySoftwareToken accepted is spent: this one is of the following time step.
    const result = await answerTotp(client, server, challenge, user.email, await user.device.next());
    user.tokens = assertTokens(result);
    const access = decodeJwt(user.tokens.AccessToken).payload;
    assert.equal(access.sub, user.sub);
    assert.notEqual(access.origin_jti, decodeJwt(user.setupTokens.AccessToken).payload.origin_jti,
      'each sign-in starts a new token family');
    assert.equal((await getUser(user.tokens.AccessToken)).Username, user.sub);
  });

  it('refreshes with GetTokensFromRefreshToken and REFRESH_TOKEN_AUTH: same family, no new refresh token', async () => {
    const original = decodeJwt(user.tokens.AccessToken).payload;
    const originalId = decodeJwt(user.tokens.IdToken).payload;

    const viaGetTokens = assertTokens(await refreshWithGetTokens(user.tokens.RefreshToken), { refresh: true });
    const viaInitiateAuth = assertTokens(await refreshWithInitiateAuth(user.tokens.RefreshToken), { refresh: true });
    for (const auth of [viaGetTokens, viaInitiateAuth]) {
      const access = decodeJwt(auth.AccessToken).payload;
      const id = decodeJwt(auth.IdToken).payload;
      assert.equal(access.sub, user.sub);
      assert.equal(access.origin_jti, original.origin_jti, 'access token keeps origin_jti');
      assert.equal(id.origin_jti, originalId.origin_jti, 'ID token keeps origin_jti');
      assert.equal(access.auth_time, original.auth_time, 'auth_time stays the sign-in time');
      assert.notEqual(access.jti, original.jti, 'a new access token');
      assert.equal(access.exp - access.iat, 3600);
      assert.equal((await getUser(auth.AccessToken)).Username, user.sub);
    }
    user.refreshedAccessToken = viaGetTokens.AccessToken;
  });

  it('rejects a tampered access token with "Invalid Access Token"', async () => {
    await rejectsWith(getUser(flipPayloadChar(user.tokens.AccessToken)), 'NotAuthorizedException', MSG.invalidAccess);
    await rejectsWith(getUser(tamperJwt(user.tokens.AccessToken)), 'NotAuthorizedException', MSG.invalidAccess);
    await rejectsWith(getUser(user.tokens.IdToken), 'NotAuthorizedException', MSG.invalidAccess);
    await rejectsWith(refreshWithGetTokens(`${user.tokens.RefreshToken}x`), 'NotAuthorizedException', MSG.invalidRefresh);
    // The untampered token still works.
    assert.equal((await getUser(user.tokens.AccessToken)).Username, user.sub);
  });

  it('RevokeToken revokes the refresh token and the access tokens of its family only', async () => {
    await rejectsWith(
      client.send(new RevokeTokenCommand({ ClientId: server.clientId, Token: user.tokens.AccessToken })),
      'UnsupportedTokenTypeException',
    );
    const res = await client.send(new RevokeTokenCommand({ ClientId: server.clientId, Token: user.tokens.RefreshToken }));
    assert.equal(res.$metadata.httpStatusCode, 200);

    await rejectsWith(refreshWithGetTokens(user.tokens.RefreshToken), 'NotAuthorizedException', MSG.refreshRevoked);
    await rejectsWith(refreshWithInitiateAuth(user.tokens.RefreshToken), 'NotAuthorizedException', MSG.refreshRevoked);
    await rejectsWith(getUser(user.tokens.AccessToken), 'NotAuthorizedException', MSG.accessRevoked);
    await rejectsWith(getUser(user.refreshedAccessToken), 'NotAuthorizedException', MSG.accessRevoked);

    // The family of the first sign-in (at MFA_SETUP) is untouched.
    assert.equal((await getUser(user.setupTokens.AccessToken)).Username, user.sub);
    assertTokens(await refreshWithGetTokens(user.setupTokens.RefreshToken), { refresh: true });
  });

  it('GlobalSignOut revokes every token of the user', async () => {
    const refreshed = assertTokens(await refreshWithGetTokens(user.setupTokens.RefreshToken), { refresh: true });
    const res = await client.send(new GlobalSignOutCommand({ AccessToken: user.setupTokens.AccessToken }));
    assert.equal(res.$metadata.httpStatusCode, 200);

    await rejectsWith(getUser(user.setupTokens.AccessToken), 'NotAuthorizedException', MSG.accessRevoked);
    await rejectsWith(getUser(refreshed.AccessToken), 'NotAuthorizedException', MSG.accessRevoked);
    await rejectsWith(refreshWithGetTokens(user.setupTokens.RefreshToken), 'NotAuthorizedException', MSG.refreshRevoked);
    await rejectsWith(refreshWithInitiateAuth(user.setupTokens.RefreshToken), 'NotAuthorizedException', MSG.refreshRevoked);
    await rejectsWith(
      client.send(new GlobalSignOutCommand({ AccessToken: user.setupTokens.AccessToken })),
      'NotAuthorizedException', MSG.accessRevoked,
    );
  });
});

describe('sign-in failures, MFA REQUIRED (sandbox, SDK v3)', () => {
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

  const respond = (ChallengeName, Session, ChallengeResponses) =>
    client.send(new RespondToAuthChallengeCommand({ ClientId: server.clientId, ChallengeName, Session, ChallengeResponses }));

  it('answers a wrong password and an unknown user with the same NotAuthorizedException', async () => {
    const email = uniqueEmail('wrongpw');
    await signUpConfirmed(client, server, email);
    const wrong = await rejectsWith(passwordAuth(client, server, email, WRONG_PASSWORD),
      'NotAuthorizedException', MSG.badCredentials);
    const unknown = await rejectsWith(passwordAuth(client, server, uniqueEmail('nobody')),
      'NotAuthorizedException', MSG.badCredentials);
    const unknownWrong = await rejectsWith(passwordAuth(client, server, uniqueEmail('nobody'), WRONG_PASSWORD),
      'NotAuthorizedException', MSG.badCredentials);
    for (const e of [unknown, unknownWrong]) {
      assert.equal(e.name, wrong.name);
      assert.equal(e.message, wrong.message);
      assert.equal(e.$metadata.httpStatusCode, wrong.$metadata.httpStatusCode);
    }
    // The right password still works afterwards (one failure does not lock).
    assert.equal((await passwordAuth(client, server, email)).ChallengeName, 'MFA_SETUP');
  });

  it('answers USER_SRP_AUTH for an unknown user with a stable simulated PASSWORD_VERIFIER challenge', async () => {
    const srp = (USERNAME) => client.send(new InitiateAuthCommand({
      ClientId: server.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME, SRP_A: crypto.randomBytes(384).toString('hex') },
    }));
    const ghost = uniqueEmail('ghost');
    const first = await srp(ghost);
    const again = await srp(ghost.toUpperCase());
    assert.equal(first.ChallengeName, 'PASSWORD_VERIFIER');
    const params = first.ChallengeParameters;
    assert.deepEqual(Object.keys(params).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    assert.match(params.USER_ID_FOR_SRP, UUID);
    assert.equal(params.USERNAME, params.USER_ID_FOR_SRP);
    assert.equal(again.ChallengeParameters.USER_ID_FOR_SRP, params.USER_ID_FOR_SRP, 'same name, same fake user id');
    assert.equal(again.ChallengeParameters.SALT, params.SALT, 'same name, same salt');
    assert.notEqual(again.ChallengeParameters.SRP_B, params.SRP_B, 'a fresh B each time');
    const other = await srp(uniqueEmail('ghost'));
    assert.notEqual(other.ChallengeParameters.USER_ID_FOR_SRP, params.USER_ID_FOR_SRP);
  });

  it('refuses an unconfirmed user who gives the right password with UserNotConfirmedException', async () => {
    const email = uniqueEmail('unconfirmed');
    await client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }));
    await rejectsWith(passwordAuth(client, server, email), 'UserNotConfirmedException', MSG.notConfirmed);
  });

  it('refuses a wrong code at VerifySoftwareToken and accepts the right one on the same Session', async () => {
    const email = uniqueEmail('verifywrong');
    await signUpConfirmed(client, server, email);
    const challenge = await passwordAuth(client, server, email);
    const associate = await client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session }));
    await rejectsWith(
      client.send(new VerifySoftwareTokenCommand({ Session: associate.Session, UserCode: wrongTotp(associate.SecretCode) })),
      'EnableSoftwareTokenMFAException', MSG.badVerifyCode,
    );
    const device = new TotpDevice(associate.SecretCode);
    const verify = await client.send(new VerifySoftwareTokenCommand({ Session: associate.Session, UserCode: await device.next() }));
    assert.equal(verify.Status, 'SUCCESS');
    assertTokens(await respond('MFA_SETUP', verify.Session, { USERNAME: challenge.ChallengeParameters.USERNAME }));
  });

  it('refuses a wrong TOTP code and the already used set-up code, then accepts the next code on the same Session', async () => {
    const { email, device } = await enrolledUser(client, server, 'wrongtotp');
    const setupCode = device.lastCode();
    const challenge = await passwordAuth(client, server, email);
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    await rejectsWith(answerTotp(client, server, challenge, email, wrongTotp(device.secret)),
      'CodeMismatchException', MSG.badMfaCode);
    await rejectsWith(answerTotp(client, server, challenge, email, setupCode), 'CodeMismatchException', MSG.badMfaCode);
    assertTokens(await answerTotp(client, server, challenge, email, await device.next()));
  });

  it('refuses a TOTP code replayed on a fresh sign-in', async () => {
    const { email, device } = await enrolledUser(client, server, 'replay');
    const first = await passwordAuth(client, server, email);
    const code = await device.next();
    assertTokens(await answerTotp(client, server, first, email, code));

    const second = await passwordAuth(client, server, email);
    assert.equal(second.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    await rejectsWith(answerTotp(client, server, second, email, code), 'CodeMismatchException', MSG.badMfaCode);
  });

  it('binds a challenge Session to its user, whatever USERNAME the answer names', async () => {
    const alice = await enrolledUser(client, server, 'alice');
    const bob = await enrolledUser(client, server, 'bob');
    const challenge = await passwordAuth(client, server, bob.email);
    const result = await answerTotp(client, server, challenge, alice.email, await bob.device.next());
    const auth = assertTokens(result);
    assert.equal(decodeJwt(auth.AccessToken).payload.sub, bob.sub, "Bob's Session gives Bob's tokens");
    assert.equal(decodeJwt(auth.IdToken).payload.email, bob.email);
  });

  it('ends a challenge Session after 5 wrong TOTP codes', async () => {
    const { email, device } = await enrolledUser(client, server, 'mfacap');
    const challenge = await passwordAuth(client, server, email);
    for (let i = 0; i < 5; i++) {
      await rejectsWith(answerTotp(client, server, challenge, email, wrongTotp(device.secret)),
        'CodeMismatchException', MSG.badMfaCode);
    }
    // Even the right code is refused now: the Session is gone.
    await rejectsWith(answerTotp(client, server, challenge, email, device.codeAt(device.lastStep + 1)),
      'NotAuthorizedException', MSG.badSession);
  });

  it('refuses a consumed Session and an unknown Session with "Invalid session for the user."', async () => {
    // Real expiry (3 minutes) is unit-tested with a simulated clock; here: used and made-up ones.
    const email = uniqueEmail('session');
    await signUpConfirmed(client, server, email);
    const challenge = await passwordAuth(client, server, email);
    const username = challenge.ChallengeParameters.USERNAME;
    const { associate, verify } = await completeTotpSetup(client, server, challenge);

    // Every Session of the set-up flow is single-use.
    await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session })),
      'NotAuthorizedException', MSG.badSession);
    await rejectsWith(client.send(new VerifySoftwareTokenCommand({ Session: associate.Session, UserCode: '123456' })),
      'NotAuthorizedException', MSG.badSession);
    await rejectsWith(respond('MFA_SETUP', verify.Session, { USERNAME: username }),
      'NotAuthorizedException', MSG.badSession);

    const garbage = 'cg'.padEnd(45, 'x');
    await rejectsWith(respond('SOFTWARE_TOKEN_MFA', garbage, { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: '123456' }),
      'NotAuthorizedException', MSG.badSession);
    await rejectsWith(respond('MFA_SETUP', garbage, { USERNAME: username }), 'NotAuthorizedException', MSG.badSession);
    await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ Session: garbage })),
      'NotAuthorizedException', MSG.badSession);
  });

  it('locks the account after 5 wrong passwords: the 6th attempt with the right password is refused', async () => {
    const email = uniqueEmail('lockout');
    await signUpConfirmed(client, server, email);
    for (let i = 0; i < 5; i++) {
      await rejectsWith(passwordAuth(client, server, email, WRONG_PASSWORD), 'NotAuthorizedException', MSG.badCredentials);
    }
    await rejectsWith(passwordAuth(client, server, email), 'NotAuthorizedException', MSG.lockedOut);
    await rejectsWith(passwordAuth(client, server, email, WRONG_PASSWORD), 'NotAuthorizedException', MSG.lockedOut);
  });

  it('locks on 20 concurrent wrong passwords as on sequential ones (at most 5 evaluated)', async () => {
    const email = uniqueEmail('concurrent');
    await signUpConfirmed(client, server, email);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => passwordAuth(client, server, email, WRONG_PASSWORD)),
    );
    const messages = results.map((r) => {
      assert.equal(r.status, 'rejected', 'a wrong password never signs in');
      assert.equal(r.reason.name, 'NotAuthorizedException', r.reason.message);
      return r.reason.message;
    });
    const evaluated = messages.filter((m) => m === MSG.badCredentials).length;
    const locked = messages.filter((m) => m === MSG.lockedOut).length;
    assert.equal(evaluated + locked, 20, `only those two messages: ${JSON.stringify(messages)}`);
    assert.ok(evaluated >= 1 && evaluated <= 5, `at most 5 passwords evaluated, got ${evaluated}`);
    await rejectsWith(passwordAuth(client, server, email), 'NotAuthorizedException', MSG.lockedOut);
  });
});

describe('MFA OPTIONAL (sandbox, SDK v3)', () => {
  let server;
  let client;
  let dir;

  before(async () => {
    dir = await makeTempDir();
    await writeSeedConfigWithMode(path.join(dir, 'auth.json'), 'OPTIONAL');
    server = await startSandbox({ dir });
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
    await removeDir(dir);
  });

  const getUser = (AccessToken) => client.send(new GetUserCommand({ AccessToken }));
  const setTotpPreference = (AccessToken, SoftwareTokenMfaSettings) =>
    client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings }));

  it('signs in without MFA until the user enrols, then challenges; SetUserMFAPreference turns it off and on', async () => {
    const email = uniqueEmail('optional');
    await signUpConfirmed(client, server, email);

    const first = assertTokens(await passwordAuth(client, server, email));
    const before = await getUser(first.AccessToken);
    assert.equal(before.PreferredMfaSetting, undefined);
    assert.deepEqual(before.UserMFASettingList ?? [], []);

    // TOTP cannot be turned on before a token is verified.
    await rejectsWith(setTotpPreference(first.AccessToken, { Enabled: true, PreferredMfa: true }),
      'InvalidParameterException', MSG.totpNotSetUp);

    // Signed-in enrolment (Amplify setUpTOTP / verifyTOTPSetup): AccessToken instead of Session.
    const associate = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: first.AccessToken }));
    assert.match(associate.SecretCode, /^[A-Z2-7]{32,}$/);
    assert.equal(associate.Session, undefined, 'no Session when called with an AccessToken');
    const device = new TotpDevice(associate.SecretCode);
    await rejectsWith(
      client.send(new VerifySoftwareTokenCommand({ AccessToken: first.AccessToken, UserCode: wrongTotp(device.secret) })),
      'EnableSoftwareTokenMFAException', MSG.badVerifyCode,
    );
    const verify = await client.send(new VerifySoftwareTokenCommand({
      AccessToken: first.AccessToken,
      UserCode: await device.next(),
      FriendlyDeviceName: 'phone',
    }));
    assert.equal(verify.Status, 'SUCCESS');
    assert.equal(verify.Session, undefined);
    const enrolled = await getUser(first.AccessToken);
    assert.equal(enrolled.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA', 'verifying enables and prefers TOTP');
    assert.deepEqual(enrolled.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);

    const challenge = await passwordAuth(client, server, email);
    assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const second = assertTokens(await answerTotp(client, server, challenge, email, await device.next()));

    await setTotpPreference(second.AccessToken, { Enabled: false });
    const disabled = await getUser(second.AccessToken);
    assert.equal(disabled.PreferredMfaSetting, undefined);
    assert.deepEqual(disabled.UserMFASettingList ?? [], []);
    assertTokens(await passwordAuth(client, server, email));

    await setTotpPreference(second.AccessToken, { Enabled: true, PreferredMfa: true });
    const reenabled = await getUser(second.AccessToken);
    assert.equal(reenabled.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    assert.deepEqual(reenabled.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
    const again = await passwordAuth(client, server, email);
    assert.equal(again.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(again.AuthenticationResult, undefined);
  });
});

describe('MFA OFF (sandbox, SDK v3)', () => {
  let server;
  let client;
  let dir;

  before(async () => {
    dir = await makeTempDir();
    await writeSeedConfigWithMode(path.join(dir, 'auth.json'), 'OFF');
    server = await startSandbox({ dir });
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
    await removeDir(dir);
  });

  it('answers tokens after the password, refuses TOTP operations; sign-in works right after GlobalSignOut', async () => {
    const email = uniqueEmail('off');
    await signUpConfirmed(client, server, email);
    const tokens = assertTokens(await passwordAuth(client, server, email));
    const res = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    assert.equal(res.PreferredMfaSetting, undefined);
    await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken })),
      'SoftwareTokenMFANotFoundException', MSG.totpOff);
    await rejectsWith(client.send(new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: '123456' })),
      'SoftwareTokenMFANotFoundException', MSG.totpOff);

    // GlobalSignOut revokes what was issued before it, not a sign-in right after it.
    const other = assertTokens(await passwordAuth(client, server, email));
    await client.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
    await rejectsWith(client.send(new GetUserCommand({ AccessToken: other.AccessToken })),
      'NotAuthorizedException', MSG.accessRevoked);
    const fresh = assertTokens(await passwordAuth(client, server, email));
    assert.equal((await client.send(new GetUserCommand({ AccessToken: fresh.AccessToken }))).Username, res.Username);
    const refreshed = await client.send(new GetTokensFromRefreshTokenCommand({
      ClientId: server.clientId,
      RefreshToken: fresh.RefreshToken,
    }));
    assertTokens(refreshed, { refresh: true });
  });
});

describe('sandbox live switch REQUIRED → OFF → REQUIRED (SDK v3)', () => {
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

  /** Rewrites the config with `mode` and waits for the sandbox to report the switch. */
  async function switchMode(from, to) {
    const start = server.output().length;
    const config = await seedConfigWithMode(to);
    const tmp = `${server.configFile}.tmp-${process.pid}`;
    await fs.writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`);
    await fs.rename(tmp, server.configFile);
    const [line] = await server.waitForOutput(
      new RegExp(`^.*multifactor\\.mode ${from} → ${to}.*$`, 'm'),
      { from: start, timeoutMs: APPLY_TIMEOUT_MS },
    );
    assert.match(line, /✓ config applied/);
  }

  it('gives tokens directly once the config says OFF, and challenges again after switching back', async () => {
    const { email } = await enrolledUser(client, server, 'live');
    const newcomer = uniqueEmail('live-new');
    await signUpConfirmed(client, server, newcomer);
    assert.equal((await passwordAuth(client, server, email)).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal((await passwordAuth(client, server, newcomer)).ChallengeName, 'MFA_SETUP');

    await switchMode('REQUIRED', 'OFF');
    const tokens = assertTokens(await passwordAuth(client, server, email));
    assertTokens(await passwordAuth(client, server, newcomer));
    await rejectsWith(client.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken })),
      'SoftwareTokenMFANotFoundException', MSG.totpOff);

    await switchMode('OFF', 'REQUIRED');
    assert.equal((await passwordAuth(client, server, email)).ChallengeName, 'SOFTWARE_TOKEN_MFA',
      'the TOTP set up before the switch is still there');
    assert.equal((await passwordAuth(client, server, newcomer)).ChallengeName, 'MFA_SETUP');
  });
});

describe('USER_PASSWORD_AUTH on `cognate serve` (SDK v3)', () => {
  it('is refused without --allow-user-password-auth', async () => {
    const server = await startServe();
    const client = cognitoClient(server.endpoint);
    try {
      const email = uniqueEmail('serve');
      await client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }));
      await rejectsWith(passwordAuth(client, server, email), 'InvalidParameterException', MSG.flowDisabled);
      await rejectsWith(passwordAuth(client, server, uniqueEmail('nobody')), 'InvalidParameterException', MSG.flowDisabled);
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  it('is allowed with --allow-user-password-auth', async () => {
    const server = await startServe({ extraArgs: ['--allow-user-password-auth'] });
    const client = cognitoClient(server.endpoint);
    try {
      const email = uniqueEmail('serve-upa');
      await signUpConfirmed(client, server, email);
      await rejectsWith(passwordAuth(client, server, email, WRONG_PASSWORD), 'NotAuthorizedException', MSG.badCredentials);
      const challenge = await passwordAuth(client, server, email);
      assert.equal(challenge.ChallengeName, 'MFA_SETUP');
      const { result } = await completeTotpSetup(client, server, challenge);
      assertTokens(result);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
