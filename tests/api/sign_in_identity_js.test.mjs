// Sign-in with amazon-cognito-identity-js (the library behind Amplify v5 and many older apps)
// against a real `cognate sandbox`: USER_SRP_AUTH with the library's own SRP code, TOTP set-up at
// the mfaSetup callback, the TOTP challenge, refresh, attributes, sign-out and bad credentials.
// Each test gives the library a fresh in-memory Storage so no state leaks between tests.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import cognito from 'amazon-cognito-identity-js';
import { GOOD_PASSWORD, rawCall, startSandbox, uniqueEmail, waitForEmail } from './lib/cognate.mjs';
import { TotpDevice, wrongTotp } from './lib/sign_in.mjs';
import { MemoryStorage, authCallbacks, callback, nodeStyle } from './lib/identity_js.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Asserts that `promise` rejects with a library error of this code (= __type) and message. */
async function rejectsWith(promise, code, message) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.code, code, `error code (message: ${error.message})`);
  assert.equal(error.name, code);
  assert.equal(error.message, message);
  return error;
}

function assertValidSession(session, sub, email) {
  assert.equal(session.isValid(), true, 'session.isValid()');
  const access = session.getAccessToken().decodePayload();
  const id = session.getIdToken().decodePayload();
  assert.equal(access.token_use, 'access');
  assert.equal(access.sub, sub);
  assert.equal(id.token_use, 'id');
  assert.equal(id.email, email);
  assert.equal(id['cognito:username'], sub);
  assert.ok(session.getRefreshToken().getToken(), 'a refresh token');
  return { access, id };
}

describe('amazon-cognito-identity-js: USER_SRP_AUTH journey (sandbox)', () => {
  let server;
  let poolData;
  const user = {};

  before(async () => {
    server = await startSandbox();
    poolData = { UserPoolId: server.poolId, ClientId: server.clientId, endpoint: `${server.endpoint}/` };
  });

  after(async () => {
    await server?.stop();
  });

  /** A pool object with its own fresh storage, and a CognitoUser for `username` on it. */
  function fresh(username) {
    const pool = new CognitoUserPool({ ...poolData, Storage: new MemoryStorage() });
    const cognitoUser = new CognitoUser({ Username: username, Pool: pool, Storage: pool.storage });
    return { pool, cognitoUser };
  }

  const authenticate = (cognitoUser, username, password) =>
    callback('authenticateUser', (settle) => cognitoUser.authenticateUser(
      new AuthenticationDetails({ Username: username, Password: password }),
      authCallbacks(settle),
    ));

  it('signs up and confirms with the emailed code', async () => {
    user.email = uniqueEmail('idjs');
    const { pool, cognitoUser } = fresh(user.email);
    const { value: signUp } = await callback('signUp', (settle) => pool.signUp(
      user.email,
      GOOD_PASSWORD,
      [new CognitoUserAttribute({ Name: 'email', Value: user.email })],
      null,
      nodeStyle(settle),
    ));
    assert.equal(signUp.userConfirmed, false);
    assert.match(signUp.userSub, UUID);
    user.sub = signUp.userSub;

    const mail = await waitForEmail(server.outbox, user.email);
    const { value: confirmed } = await callback('confirmRegistration',
      (settle) => cognitoUser.confirmRegistration(mail.code, true, nodeStyle(settle)));
    assert.equal(confirmed, 'SUCCESS');
  });

  it('signs in with SRP, sets up TOTP at mfaSetup and gets a valid session', async () => {
    const { pool, cognitoUser } = fresh(user.email);
    const first = await authenticate(cognitoUser, user.email, GOOD_PASSWORD);
    assert.equal(first.kind, 'mfaSetup');
    assert.equal(first.value.challengeName, 'MFA_SETUP');
    assert.deepEqual(first.value.params, { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });

    const { value: secret } = await callback('associateSoftwareToken', (settle) => cognitoUser.associateSoftwareToken({
      associateSecretCode: (secretCode) => settle('associateSecretCode', secretCode),
      onFailure: (err) => settle('error', err),
    }));
    user.device = new TotpDevice(secret);

    const code = await user.device.next();
    const verified = await callback('verifySoftwareToken',
      (settle) => cognitoUser.verifySoftwareToken(code, 'phone', authCallbacks(settle)));
    assert.equal(verified.kind, 'onSuccess');
    assertValidSession(verified.value, user.sub, user.email);

    // The library renames the user to USER_ID_FOR_SRP and stores the session under that name.
    assert.equal(cognitoUser.getUsername(), user.sub);
    assert.equal(pool.getCurrentUser()?.getUsername(), user.sub);
  });

  it('challenges the next sign-in with totpRequired; sendMFACode retries after a wrong code', async () => {
    const { cognitoUser } = fresh(user.email);
    const challenge = await authenticate(cognitoUser, user.email, GOOD_PASSWORD);
    assert.equal(challenge.kind, 'totpRequired');
    assert.equal(challenge.value.challengeName, 'SOFTWARE_TOKEN_MFA');

    await rejectsWith(
      callback('sendMFACode (wrong)', (settle) =>
        cognitoUser.sendMFACode(wrongTotp(user.device.secret), authCallbacks(settle), 'SOFTWARE_TOKEN_MFA')),
      'CodeMismatchException', 'Invalid code or auth state for the user.',
    );
    const code = await user.device.next();
    const signedIn = await callback('sendMFACode',
      (settle) => cognitoUser.sendMFACode(code, authCallbacks(settle), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(signedIn.kind, 'onSuccess');
    user.session = signedIn.value;
    user.cognitoUser = cognitoUser;
    assertValidSession(user.session, user.sub, user.email);
  });

  it('reads the user attributes with the session', async () => {
    const { value: attributes } = await callback('getUserAttributes',
      (settle) => user.cognitoUser.getUserAttributes(nodeStyle(settle)));
    const byName = Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]));
    assert.deepEqual(byName, { sub: user.sub, email: user.email, email_verified: 'true' });
  });

  it('refreshes the session with REFRESH_TOKEN_AUTH, keeping the refresh token and origin_jti', async () => {
    const refreshToken = user.session.getRefreshToken();
    const before = user.session.getAccessToken().decodePayload();
    const { value: session } = await callback('refreshSession',
      (settle) => user.cognitoUser.refreshSession(refreshToken, nodeStyle(settle)));
    const { access } = assertValidSession(session, user.sub, user.email);
    assert.equal(session.getRefreshToken().getToken(), refreshToken.getToken(), 'the old refresh token is kept');
    assert.equal(access.origin_jti, before.origin_jti);
    assert.notEqual(access.jti, before.jti);
    user.session = session;
  });

  it('signOut(callback) revokes the refresh token (RevokeToken)', async () => {
    const refreshToken = user.session.getRefreshToken().getToken();
    await callback('signOut', (settle) => user.cognitoUser.signOut((err) => (err ? settle('error', err) : settle('done'))));
    assert.equal(user.cognitoUser.getSignInUserSession(), null, 'the library dropped its session');
    // Checked with a plain request: the library's refreshSession retries every error for ~6 s.
    const res = await rawCall(server.endpoint, 'InitiateAuth', {
      ClientId: server.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { __type: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
  });

  it('answers a wrong password and an unknown user with the same NotAuthorizedException', async () => {
    const wrong = fresh(user.email);
    await rejectsWith(authenticate(wrong.cognitoUser, user.email, 'Wr0ng-Passw0rd!'),
      'NotAuthorizedException', 'Incorrect username or password.');
    const nobody = uniqueEmail('idjs-nobody');
    const unknown = fresh(nobody);
    await rejectsWith(authenticate(unknown.cognitoUser, nobody, GOOD_PASSWORD),
      'NotAuthorizedException', 'Incorrect username or password.');
  });
});
