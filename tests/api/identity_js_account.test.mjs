// Account recovery and self-service with amazon-cognito-identity-js (the library behind Amplify
// v5 and many older apps) against a real `cognate sandbox` (MFA REQUIRED, TOTP): forgotPassword /
// confirmPassword, changePassword, updateAttributes + verifyAttribute for a new email, and
// deleteUser, each through the library's own calls and callbacks.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import cognito from 'amazon-cognito-identity-js';
import { GOOD_PASSWORD, listEmails, startSandbox, uniqueEmail, waitForEmail } from './lib/cognate.mjs';
import { TotpDevice } from './lib/sign_in.mjs';
import { MemoryStorage, authCallbacks, callback, nodeStyle } from './lib/identity_js.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

const PASSWORDS = ['N3w-Passw0rd!', 'Ch4nged-Passw0rd!'];

async function rejectsWith(promise, code, message) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.code, code, `error code (message: ${error.message})`);
  if (message !== undefined) {
    assert.equal(error.message, message);
  }
  return error;
}

describe('amazon-cognito-identity-js: recovery and self-service (sandbox)', () => {
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

  function fresh(username) {
    const pool = new CognitoUserPool({ ...poolData, Storage: new MemoryStorage() });
    const cognitoUser = new CognitoUser({ Username: username, Pool: pool, Storage: pool.storage });
    return { pool, cognitoUser };
  }
  const authenticate = (cognitoUser, username, password) =>
    callback('authenticateUser', (settle) => cognitoUser.authenticateUser(
      new AuthenticationDetails({ Username: username, Password: password }), authCallbacks(settle)));

  /** A signed-in CognitoUser (SRP, then the TOTP challenge) of `user` with `password`. */
  async function signIn(password) {
    const { cognitoUser } = fresh(user.email);
    const challenge = await authenticate(cognitoUser, user.email, password);
    assert.equal(challenge.kind, 'totpRequired');
    const code = await user.device.next();
    const done = await callback('sendMFACode', (settle) =>
      cognitoUser.sendMFACode(code, authCallbacks(settle), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(done.kind, 'onSuccess');
    return cognitoUser;
  }

  before(async () => {
    // A confirmed user with TOTP set up.
    user.email = uniqueEmail('idjsacct');
    const { pool, cognitoUser } = fresh(user.email);
    await callback('signUp', (settle) => pool.signUp(user.email, GOOD_PASSWORD,
      [new CognitoUserAttribute({ Name: 'email', Value: user.email })], null, nodeStyle(settle)));
    const mail = await waitForEmail(server.outbox, user.email);
    await callback('confirmRegistration',
      (settle) => cognitoUser.confirmRegistration(mail.code, true, nodeStyle(settle)));
    const first = await authenticate(cognitoUser, user.email, GOOD_PASSWORD);
    assert.equal(first.kind, 'mfaSetup');
    const { value: secret } = await callback('associateSoftwareToken', (settle) => cognitoUser.associateSoftwareToken({
      associateSecretCode: (s) => settle('associateSecretCode', s),
      onFailure: (err) => settle('error', err),
    }));
    user.device = new TotpDevice(secret);
    const code = await user.device.next();
    const verified = await callback('verifySoftwareToken',
      (settle) => cognitoUser.verifySoftwareToken(code, 'phone', authCallbacks(settle)));
    assert.equal(verified.kind, 'onSuccess');
    user.sub = cognitoUser.getUsername();
  });

  it('forgotPassword and confirmPassword set a new password; sign-in still asks for TOTP', async () => {
    const { cognitoUser } = fresh(user.email);
    const seen = await listEmails(server.outbox, user.email);
    const asked = await callback('forgotPassword', (settle) => cognitoUser.forgotPassword({
      onSuccess: (data) => settle('onSuccess', data),
      onFailure: (err) => settle('error', err),
      inputVerificationCode: (data) => settle('inputVerificationCode', data),
    }));
    assert.equal(asked.kind, 'inputVerificationCode');
    assert.equal(asked.value.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
    const mail = await waitForEmail(server.outbox, user.email, { seen });
    await rejectsWith(callback('confirmPassword (wrong code)', (settle) =>
      cognitoUser.confirmPassword(mail.code === '000000' ? '111111' : '000000', PASSWORDS[0], {
        onSuccess: (r) => settle('onSuccess', r), onFailure: (e) => settle('error', e),
      })), 'CodeMismatchException', 'Invalid verification code provided, please try again.');
    const confirmed = await callback('confirmPassword', (settle) =>
      cognitoUser.confirmPassword(mail.code, PASSWORDS[0], {
        onSuccess: (r) => settle('onSuccess', r), onFailure: (e) => settle('error', e),
      }));
    assert.equal(confirmed.value, 'SUCCESS');
    await rejectsWith(authenticate(fresh(user.email).cognitoUser, user.email, GOOD_PASSWORD),
      'NotAuthorizedException', 'Incorrect username or password.');
    user.cognitoUser = await signIn(PASSWORDS[0]);
  });

  it('changePassword needs the previous password', async () => {
    await rejectsWith(callback('changePassword (wrong)', (settle) =>
      user.cognitoUser.changePassword('Wr0ng-Passw0rd!', PASSWORDS[1], nodeStyle(settle))),
      'NotAuthorizedException', 'Incorrect username or password.');
    const { value } = await callback('changePassword', (settle) =>
      user.cognitoUser.changePassword(PASSWORDS[0], PASSWORDS[1], nodeStyle(settle)));
    assert.equal(value, 'SUCCESS');
    const next = await authenticate(fresh(user.email).cognitoUser, user.email, PASSWORDS[1]);
    assert.equal(next.kind, 'totpRequired');

  });

  it('updateAttributes with a new email, then verifyAttribute with its code', async () => {
    const newEmail = uniqueEmail('idjsmoved');
    const updated = await callback('updateAttributes', (settle) => user.cognitoUser.updateAttributes(
      [new CognitoUserAttribute({ Name: 'email', Value: newEmail })],
      (err, result, details) => (err ? settle('error', err) : settle('result', { result, details }))));
    assert.equal(updated.value.result, 'SUCCESS');
    assert.equal(updated.value.details.CodeDeliveryDetailsList.length, 1);
    assert.equal(updated.value.details.CodeDeliveryDetailsList[0].AttributeName, 'email');
    const mail = await waitForEmail(server.outbox, newEmail);
    const verified = await callback('verifyAttribute', (settle) =>
      user.cognitoUser.verifyAttribute('email', mail.code, {
        onSuccess: (r) => settle('onSuccess', r), onFailure: (e) => settle('error', e),
      }));
    assert.equal(verified.value, 'SUCCESS');
    const { value: attributes } = await callback('getUserAttributes',
      (settle) => user.cognitoUser.getUserAttributes(nodeStyle(settle)));
    const map = Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]));
    assert.equal(map.email, newEmail);
    assert.equal(map.email_verified, 'true');
    user.email = newEmail;
  });

  it('deleteUser removes the account; signing in again fails', async () => {
    const { value } = await callback('deleteUser', (settle) => user.cognitoUser.deleteUser(nodeStyle(settle)));
    assert.equal(value, 'SUCCESS');
    await rejectsWith(authenticate(fresh(user.email).cognitoUser, user.email, PASSWORDS[1]),
      'NotAuthorizedException', 'Incorrect username or password.');
  });
});
