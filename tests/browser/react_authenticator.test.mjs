// End-to-end: the example app (examples/react-authenticator: aws-amplify 6 + the React
// Authenticator, configured at run time) in Debian's Chromium, driven by playwright-core, against
// a real `cognate sandbox` with the seed config (email sign-up, MFA REQUIRED with TOTP).
//
// Journey: Create Account → "We Emailed You" → code from the outbox → auto sign-in → TOTP setup
// (the QR code on the page is decoded and checked against the secret shown beside it) → a wrong
// code, then the right one → signed in (email shown, no "Verify Contact") → Refresh session
// (GetTokensFromRefreshToken) → Sign out (RevokeToken) → sign in again: the setup code replayed
// (refused), then a TOTP code of the next 30 s step → signed in → Change password
// (AccountSettings.ChangePassword) → Sign out → "Forgot your password?" → code from the outbox (a
// wrong one first) + new password → Sign In: the changed password refused, the reset one followed
// by the TOTP code → signed in → Delete Account (AccountSettings.DeleteUser) → the account is
// gone. Then a RESET_REQUIRED user (set in the database) is sent to the reset screens by the
// sign-in itself, resets, and signs in (TOTP setup). Last, a user invited with the AWS CLI
// (AdminCreateUser, signed with the sandbox's key) signs in with the emailed temporary password,
// sets a new one on the "Change Password" screen and sets up TOTP.

//
// Needs: `npm ci` in examples/react-authenticator and in tests/browser, /usr/bin/chromium and
// /usr/bin/zbarimg (scripts/install-deps), and a built server (COGNATE_BIN or build/cognate).
// Screenshots of every step go to build/screenshots/react/NN-step.png.
//
// Run: COGNATE_BIN=/work/main/build/cognate node --test tests/browser/react_authenticator.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import {
  COGNATE_BIN,
  listEmails,
  startSandbox,
  makeTempDir,
  removeDir,
  uniqueEmail,
  waitFor,
  waitForOnlyEmail,
} from './lib/cognate.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { totpAt, stepOf } from './lib/totp.mjs';
import { decodeQr, ZBARIMG } from './lib/qr.mjs';

const execFileP = promisify(execFile);

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = path.join(REPO, 'examples/react-authenticator');
const SHOTS = path.join(REPO, 'build/screenshots/react');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const STEP_TIMEOUT_MS = 15_000; // every wait for the page
const TEST_TIMEOUT_MS = 30_000; // one it()
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const PASSWORD = 'Passw0rd!';
const SEED_BODY_PREFIX = 'Thanks for signing up! Use this code to verify your account: ';
const CHANGED_PASSWORD = 'Ch4nged-Passw0rd!';
const RESET_PASSWORD = 'R3set-Passw0rd!';
const INVITED_PASSWORD = 'Inv1ted-Passw0rd!';

// Shared state of the journey. The steps run in order; once one fails the rest are skipped.
let sandbox;
let web;
let context;
let page;
let userDataDir;
let outDir;
let broken = null;
const email = uniqueEmail('react');
const calls = []; // { target, body, status, errorType, errorMessage } per Cognito request, in order
const foreignRequests = []; // any request not to 127.0.0.1
const consoleErrors = [];
let shotNo = 0;
let totpSecret;
let setupStep;
let firstToken; // { iat, jti } shown on the signed-in page
let lastTotpStep; // the last TOTP step the server accepted
let resetMail; // the reset code's email
const resetEmail = uniqueEmail('react-reset');
const invitedEmail = uniqueEmail('react-invited');

const timings = [];
let t0 = Date.now();
function mark(what) {
  const now = Date.now();
  timings.push(`${what}: ${now - t0} ms`);
  t0 = now;
}

async function shot(name) {
  shotNo += 1;
  const file = path.join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: STEP_TIMEOUT_MS });
  return file;
}

/** A journey step: skipped once an earlier one failed; screenshot "NN-name-FAILED" on failure. */
function step(name, fn, timeout = TEST_TIMEOUT_MS) {
  it(name, { timeout }, async (t) => {
    if (broken) {
      t.skip(`earlier step failed: ${broken}`);
      return;
    }
    try {
      await fn(t);
      mark(name);
    } catch (e) {
      broken = name;
      if (page) {
        await shot(`${name.replace(/\W+/g, '-')}-FAILED`).catch(() => {});
      }
      t.diagnostic(`Cognito calls so far: ${calls.map(describeCall).join(', ')}`);
      if (consoleErrors.length) {
        t.diagnostic(`browser console errors:\n${consoleErrors.join('\n')}`);
      }
      throw e;
    }
  });
}

function describeCall(c) {
  return c.status === 200 || c.status === undefined ? c.target : `${c.target}(${c.status} ${c.errorType ?? ''})`;
}

const ops = () => calls.map((c) => c.target);

/** Waits for the next Cognito call named `target` after index `from`, with its response. */
async function waitForCall(target, from, what = target) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const c = calls.slice(from).find((x) => x.target === target && x.status !== undefined);
    if (c) {
      return c;
    }
    if (Date.now() > deadline) {
      throw new Error(`no ${what} request answered within ${STEP_TIMEOUT_MS} ms; calls: ${ops().join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A 6-digit code that is not valid for any step the server accepts now (t-1..t+1). */
function wrongCode(secret) {
  const now = stepOf(Date.now());
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(secret, now + d)));
  return ['000000', '111111', '123456', '999999'].find((c) => !valid.has(c));
}

/** Waits (bounded) for one email to `to` that is not in `seen` (emails listed before). */
async function waitForNewEmail(dir, to, seen) {
  const old = new Set(seen.map((e) => e.file));
  return waitFor(async () => {
    const fresh = (await listEmails(dir, to)).filter((e) => !old.has(e.file) && e.code);
    return fresh.length === 1 ? fresh[0] : null;
  }, { timeoutMs: STEP_TIMEOUT_MS, what: `a new email to ${to}` });
}

/** One Cognito call from the test itself (not the page). */
async function cognitoCall(target, body) {
  const res = await fetch(`${sandbox.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET_PREFIX}${target}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const json = await res.json();
  assert.equal(res.status, 200, `${target} answered ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Signs `who` up and confirms with the emailed code, over the API; resolves to the sub. */
async function signUpConfirmedOverApi(who, password) {
  const { UserSub } = await cognitoCall('SignUp', {
    ClientId: sandbox.clientId, Username: who, Password: password,
    UserAttributes: [{ Name: 'email', Value: who }],
  });
  const mail = await waitForOnlyEmail(sandbox.outbox, who, { timeoutMs: STEP_TIMEOUT_MS });
  await cognitoCall('ConfirmSignUp', { ClientId: sandbox.clientId, Username: who, ConfirmationCode: mail.code });
  return UserSub;
}

/** Runs SQL on the sandbox's SQLite database (what the admin API will do). */
async function sqlite(sql) {
  await execFileP('/usr/bin/python3', ['-c', `import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()`,
  path.join(sandbox.dir, 'data', 'cognate.db'), sql], { timeout: 10_000 });
}

async function buildExample(dir) {
  const viteBin = path.join(EXAMPLE, 'node_modules/vite/bin/vite.js');
  if (!existsSync(viteBin)) {
    throw new Error(`${viteBin} is missing: run \`npm ci\` in examples/react-authenticator first`);
  }
  await execFileP(process.execPath, [viteBin, 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: EXAMPLE,
    timeout: 60_000,
  });
}

before(async () => {
  for (const [what, file] of [['cognate', COGNATE_BIN], ['chromium', CHROMIUM], ['zbarimg', ZBARIMG]]) {
    assert.ok(existsSync(file), `${what} not found at ${file}`);
  }
  await fs.rm(SHOTS, { recursive: true, force: true });
  await fs.mkdir(SHOTS, { recursive: true });

  // Build the example and start the sandbox at the same time.
  outDir = await makeTempDir('cognate-react-dist-');
  const [, sb] = await Promise.all([buildExample(outDir), startSandbox()]);
  sandbox = sb;
  mark('vite build + sandbox start');

  // The built app fetches amplify_outputs.json and cognate.json from its own origin.
  web = await startStaticServer(outDir, {
    '/amplify_outputs.json': sandbox.outputsFile,
    '/cognate.json': () => JSON.stringify({ endpoint: sandbox.endpoint }),
  });

  userDataDir = await makeTempDir('cognate-chromium-');
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 900, height: 1000 },
    timeout: STEP_TIMEOUT_MS,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());

  const endpointOrigin = new URL(sandbox.endpoint).origin;
  const pending = new Map();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') {
      foreignRequests.push(req.url());
    }
    if (url.origin === endpointOrigin && req.method() === 'POST') {
      const target = req.headers()['x-amz-target'] ?? '(no x-amz-target)';
      const entry = { target: target.replace(TARGET_PREFIX, ''), body: req.postDataJSON() };
      calls.push(entry);
      pending.set(req, entry);
    }
  });
  const settle = async (req, status, errorType, errorMessage) => {
    const entry = pending.get(req);
    if (entry) {
      pending.delete(req);
      entry.errorType = errorType;
      entry.errorMessage = errorMessage;
      entry.status = status;
    }
  };
  page.on('response', async (res) => {
    const req = res.request();
    if (!pending.has(req)) {
      return;
    }
    let error = {};
    if (res.status() !== 200) {
      error = (await res.json().catch(() => ({}))) ?? {};
    }
    await settle(req, res.status(), error.__type, error.message);
  });
  page.on('requestfailed', (req) => settle(req, 0, req.failure()?.errorText));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      consoleErrors.push(msg.text());
    }
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  mark('static server + chromium launch');
}, { timeout: 90_000 });

after(async () => {
  await context?.close().catch(() => {});
  await web?.close().catch(() => {});
  if (sandbox) {
    const info = await sandbox.stop().catch((e) => ({ error: e.message }));
    if (info?.code !== 0 && info?.signal !== 'SIGTERM') {
      console.log(`cognate sandbox stopped with ${JSON.stringify(info)}`);
    }
  }
  await removeDir(userDataDir).catch(() => {});
  await removeDir(outDir).catch(() => {});
  console.log(`timings: ${timings.join('; ')}`);
  console.log(`Cognito calls: ${calls.map(describeCall).join(', ')}`);
  console.log(`screenshots: ${SHOTS}`);
});

describe('React Authenticator against cognate sandbox', () => {
  step('the app loads its config and shows the sign-in form', async () => {
    await page.goto(`${web.url}/`, { timeout: STEP_TIMEOUT_MS });
    await page.getByRole('tab', { name: 'Sign In' }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    // The footer shows the endpoint taken from cognate.json.
    await page.getByText(sandbox.endpoint, { exact: true }).waitFor();
    assert.ok(web.requests.includes('/amplify_outputs.json'), 'amplify_outputs.json was not fetched');
    await shot('sign-in');
  });

  step('Create Account: email, password, confirm password → "We Emailed You"', async () => {
    await page.getByRole('tab', { name: 'Create Account' }).click();
    const form = page.locator('form[data-amplify-authenticator-signup]');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await form.getByLabel('Confirm Password', { exact: true }).fill(PASSWORD);
    await shot('create-account');
    const from = calls.length;
    await form.getByRole('button', { name: 'Create Account' }).click();
    const signUp = await waitForCall('SignUp', from);
    assert.equal(signUp.status, 200, `SignUp answered ${signUp.status} ${signUp.errorType}`);
    assert.equal(signUp.body.Username, email);
    assert.deepEqual(signUp.body.UserAttributes, [{ Name: 'email', Value: email }]);
    await page.getByRole('heading', { name: 'We Emailed You' }).waitFor();
    await shot('we-emailed-you');
  });

  step('confirm with the emailed code → auto sign-in → TOTP setup screen', async () => {
    const mail = await waitForOnlyEmail(sandbox.outbox, email, { timeoutMs: STEP_TIMEOUT_MS });
    assert.ok(mail.body.includes(`${SEED_BODY_PREFIX}${mail.code}`), `unexpected email body: ${mail.body}`);
    await page.getByLabel('Confirmation Code', { exact: true }).fill(mail.code);
    const from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const confirm = await waitForCall('ConfirmSignUp', from);
    assert.equal(confirm.status, 200, `ConfirmSignUp answered ${confirm.status} ${confirm.errorType}`);
    await page.getByRole('heading', { name: 'Setup TOTP' }).waitFor();
    await page.locator('img[data-amplify-qrcode]').waitFor();
    await shot('setup-totp');
    // Auto sign-in used SRP, then MFA_SETUP → AssociateSoftwareToken.
    const after = ops().slice(from);
    assert.deepEqual(after, ['ConfirmSignUp', 'InitiateAuth', 'RespondToAuthChallenge', 'AssociateSoftwareToken']);
    assert.equal(calls[from + 1].body.AuthFlow, 'USER_SRP_AUTH');
  });

  step('the QR code encodes the secret shown beside it', async () => {
    const qrFile = path.join(SHOTS, `${String(shotNo + 1).padStart(2, '0')}-qr-code.png`);
    shotNo += 1;
    await page.locator('img[data-amplify-qrcode]').screenshot({ path: qrFile });
    const texts = await decodeQr(qrFile);
    assert.equal(texts.length, 1, `expected one QR code in ${qrFile}, zbarimg found ${texts.length}`);
    const uri = new URL(texts[0]);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    // Label "AWSCognito:<email>" (the Authenticator's default issuer and the typed username).
    assert.equal(decodeURIComponent(uri.pathname), `/AWSCognito:${email}`);
    assert.equal(uri.searchParams.get('issuer'), 'AWSCognito');
    const secret = uri.searchParams.get('secret');
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'secret is not base32');
    const shown = (await page.locator('[data-amplify-copy] > div').first().innerText()).trim();
    assert.equal(secret, shown, 'the QR secret differs from the secret text on the page');
    // The server's AssociateSoftwareToken answer is what the page shows.
    const assoc = calls.find((c) => c.target === 'AssociateSoftwareToken');
    assert.ok(assoc.body.Session, 'AssociateSoftwareToken was not sent with the MFA_SETUP session');
    totpSecret = secret;
  });

  step('a wrong TOTP code shows an error on the same screen', async () => {
    const code = wrongCode(totpSecret);
    await page.locator('input[name="confirmation_code"]').fill(code);
    const from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const verify = await waitForCall('VerifySoftwareToken', from);
    assert.equal(verify.body.UserCode, code);
    assert.notEqual(verify.status, 200, 'a wrong TOTP code was accepted');
    // Cognito's answer to a wrong code in VerifySoftwareToken (protocol §10.6).
    assert.equal(verify.errorType, 'EnableSoftwareTokenMFAException');
    assert.equal(verify.errorMessage, 'Code mismatch and fail enable Software Token MFA');
    await page.getByText('Code mismatch and fail enable Software Token MFA').waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Setup TOTP' }).isVisible(), 'left the TOTP setup screen');
    await shot('setup-totp-wrong-code');
  });

  step('the right TOTP code completes sign-in: email shown, no "Verify Contact"', async () => {
    setupStep = stepOf(Date.now());
    const code = totpAt(totpSecret, setupStep);
    await page.locator('input[name="confirmation_code"]').fill(code);
    const from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const verify = await waitForCall('VerifySoftwareToken', from);
    assert.equal(verify.status, 200, `VerifySoftwareToken answered ${verify.status} ${verify.errorType}`);
    await page.getByTestId('email').getByText(email, { exact: true }).waitFor();
    await page.locator('[data-testid="access-iat"][data-iat]:not([data-iat=""])').waitFor();
    await shot('signed-in');
    assert.equal(await page.getByRole('heading', { name: 'Verify Contact' }).count(), 0);
    assert.equal(await page.getByText('Account recovery requires verified contact information').count(), 0);
    const after = ops().slice(from);
    assert.deepEqual(after.slice(0, 2), ['VerifySoftwareToken', 'RespondToAuthChallenge']);
    assert.equal(calls[from + 1].body.ChallengeName, 'MFA_SETUP');
    assert.ok(after.includes('GetUser'), `no GetUser after sign-in: ${after.join(', ')}`);
    const el = page.getByTestId('access-iat');
    firstToken = { iat: Number(await el.getAttribute('data-iat')), jti: await el.getAttribute('data-jti') };
    assert.ok(Math.abs(firstToken.iat - Date.now() / 1000) < 120, `access token iat ${firstToken.iat} is not now`);
  });

  step('Refresh session → GetTokensFromRefreshToken → a new access token', async () => {
    const from = calls.length;
    await page.getByRole('button', { name: 'Refresh session' }).click();
    const refresh = await waitForCall('GetTokensFromRefreshToken', from);
    assert.equal(refresh.status, 200, `GetTokensFromRefreshToken answered ${refresh.status} ${refresh.errorType}`);
    assert.ok(refresh.body.RefreshToken, 'no RefreshToken in the request');
    assert.equal(refresh.body.ClientId, sandbox.clientId);
    await page.getByTestId('refresh-count').getByText('Refreshed 1 time').waitFor();
    assert.equal(await page.getByTestId('error').count(), 0, 'the page shows an error');
    const el = page.getByTestId('access-iat');
    const iat = Number(await el.getAttribute('data-iat'));
    const jti = await el.getAttribute('data-jti');
    assert.ok(iat >= firstToken.iat, `refreshed iat ${iat} is older than ${firstToken.iat}`);
    assert.ok(Math.abs(iat - Date.now() / 1000) < 120, `refreshed iat ${iat} is not now`);
    if (firstToken.jti) {
      assert.notEqual(jti, firstToken.jti, 'the access token did not change');
    }
    await shot('refreshed');
  });

  step('Sign out → RevokeToken → sign-in form', async () => {
    const from = calls.length;
    await page.getByRole('button', { name: 'Sign out' }).click();
    const revoke = await waitForCall('RevokeToken', from);
    assert.equal(revoke.status, 200, `RevokeToken answered ${revoke.status} ${revoke.errorType}`);
    assert.ok(revoke.body.Token, 'RevokeToken carried no token');
    assert.equal(revoke.body.ClientId, sandbox.clientId);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await shot('signed-out');
    // The revoked refresh token no longer refreshes.
    const res = await fetch(`${sandbox.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TARGET_PREFIX}GetTokensFromRefreshToken`,
      },
      body: JSON.stringify({ ClientId: sandbox.clientId, RefreshToken: revoke.body.Token }),
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    const answer = await res.json();
    assert.equal(res.status, 400, `refresh with the revoked token answered ${res.status} ${JSON.stringify(answer)}`);
    assert.equal(answer.__type, 'NotAuthorizedException');
  });

  step('sign in again with email + password → TOTP code screen', async () => {
    const form = page.locator('form[data-amplify-authenticator-signin]');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot('sign-in-again');
    const from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Confirm TOTP Code' }).waitFor();
    await shot('confirm-totp-code');
    assert.deepEqual(ops().slice(from), ['InitiateAuth', 'RespondToAuthChallenge']);
    assert.equal(calls[from].body.AuthFlow, 'USER_SRP_AUTH');
    assert.equal(calls[from + 1].body.ChallengeName, 'PASSWORD_VERIFIER');
  });

  step('the setup code again (replayed) is refused on the same screen', async () => {
    // A code is accepted once: the step of the setup code is used up.
    const code = totpAt(totpSecret, setupStep);
    await page.locator('input[name="confirmation_code"]').fill(code);
    const from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.notEqual(respond.status, 200, 'a replayed TOTP code was accepted');
    assert.equal(respond.errorType, 'CodeMismatchException');
    assert.equal(respond.errorMessage, 'Invalid code or auth state for the user.');
    // The Authenticator replaces messages containing "Invalid code or auth state" by its own text.
    await page.getByText('The verification code you entered is incorrect. Please try again.').waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Confirm TOTP Code' }).isVisible(), 'left the TOTP code screen');
    await shot('confirm-totp-code-replayed');
  });

  step('a TOTP code of the next step → signed in again', async () => {
    // The setup code's step is used up (codes are accepted once); the next step is accepted
    // (±1 step window) without waiting 30 s. Same challenge session as the refused try.
    const codeStep = Math.max(setupStep + 1, stepOf(Date.now()));
    const code = totpAt(totpSecret, codeStep);
    lastTotpStep = codeStep;
    await page.locator('input[name="confirmation_code"]').fill(code);
    const from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(respond.body.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, code);
    assert.equal(respond.status, 200, `RespondToAuthChallenge SOFTWARE_TOKEN_MFA answered ${respond.status} ${respond.errorType}`);
    await page.getByTestId('email').getByText(email, { exact: true }).waitFor();
    await shot('signed-in-again');
  });

  step('Change password (AccountSettings.ChangePassword) → ChangePassword', async () => {
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Change password' }) });
    await section.getByLabel('Current Password', { exact: true }).fill(PASSWORD);
    await section.getByLabel('New Password', { exact: true }).fill(CHANGED_PASSWORD);
    await section.getByLabel('Confirm Password', { exact: true }).fill(CHANGED_PASSWORD);
    await shot('change-password');
    const from = calls.length;
    await section.getByRole('button', { name: 'Update password' }).click();
    const change = await waitForCall('ChangePassword', from);
    assert.equal(change.status, 200, `ChangePassword answered ${change.status} ${change.errorType}`);
    assert.equal(change.body.PreviousPassword, PASSWORD);
    assert.equal(change.body.ProposedPassword, CHANGED_PASSWORD);
    assert.ok(change.body.AccessToken, 'ChangePassword carried no access token');
    await page.getByTestId('notice').getByText('Your password was changed.').waitFor();
    await shot('password-changed');
  });

  step('Sign out → "Forgot your password?" → Send code → ForgotPassword', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset Password' }).waitFor();
    await page.locator('input[name="username"]').fill(email);
    await shot('forgot-password');
    const seen = await listEmails(sandbox.outbox, email);
    const from = calls.length;
    await page.getByRole('button', { name: 'Send code' }).click();
    const forgot = await waitForCall('ForgotPassword', from);
    assert.equal(forgot.status, 200, `ForgotPassword answered ${forgot.status} ${forgot.errorType}`);
    assert.equal(forgot.body.Username, email);
    await page.locator('input[name="confirmation_code"]').waitFor();
    resetMail = await waitForNewEmail(sandbox.outbox, email, seen);
    assert.ok(resetMail.body.includes(`${SEED_BODY_PREFIX}${resetMail.code}`), `unexpected email body: ${resetMail.body}`);
    await shot('reset-your-password');
  });

  step('a wrong code is refused; the emailed code and a new password → back to Sign In', async () => {
    const wrong = resetMail.code === '000000' ? '111111' : '000000';
    await page.locator('input[name="confirmation_code"]').fill(wrong);
    await page.locator('input[name="password"]').fill(RESET_PASSWORD);
    await page.locator('input[name="confirm_password"]').fill(RESET_PASSWORD);
    let from = calls.length;
    await page.getByRole('button', { name: 'Submit' }).click();
    const refused = await waitForCall('ConfirmForgotPassword', from);
    assert.equal(refused.errorType, 'CodeMismatchException');
    await page.getByText('Invalid verification code provided, please try again.').waitFor();
    await shot('reset-wrong-code');
    await page.locator('input[name="confirmation_code"]').fill(resetMail.code);
    await page.locator('input[name="password"]').fill(RESET_PASSWORD);
    await page.locator('input[name="confirm_password"]').fill(RESET_PASSWORD);
    from = calls.length;
    await page.getByRole('button', { name: 'Submit' }).click();
    const confirmed = await waitForCall('ConfirmForgotPassword', from);
    assert.equal(confirmed.status, 200, `ConfirmForgotPassword answered ${confirmed.status} ${confirmed.errorType}`);
    assert.equal(confirmed.body.ConfirmationCode, resetMail.code);
    assert.equal(confirmed.body.Password, RESET_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await shot('reset-done-sign-in');
  });

  step('the changed password is refused; the reset one asks for the TOTP code → signed in', async () => {
    const form = page.locator('form[data-amplify-authenticator-signin]');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(CHANGED_PASSWORD);
    let from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    const refused = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(refused.errorType, 'NotAuthorizedException');
    await page.getByText('Incorrect username or password.').waitFor();
    await shot('old-password-refused');
    await form.getByLabel('Password', { exact: true }).fill(RESET_PASSWORD);
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The reset did not skip MFA.
    await page.getByRole('heading', { name: 'Confirm TOTP Code' }).waitFor();
    await shot('reset-then-totp');
    // A step not used yet (each is accepted once; the server takes the next one early).
    let codeStep = Math.max(lastTotpStep + 1, stepOf(Date.now()));
    while (codeStep > stepOf(Date.now()) + 1) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    const code = totpAt(totpSecret, codeStep);
    lastTotpStep = codeStep;
    await page.locator('input[name="confirmation_code"]').fill(code);
    from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.status, 200, `SOFTWARE_TOKEN_MFA answered ${respond.status} ${respond.errorType}`);
    await page.getByTestId('email').getByText(email, { exact: true }).waitFor();
    await shot('signed-in-after-reset');
  }, 75_000);

  step('Delete Account (AccountSettings.DeleteUser) → DeleteUser → Sign In; the account is gone', async () => {
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Delete account' }) });
    await section.getByRole('button', { name: 'Delete Account' }).click();
    await page.getByText('Deleting your account is not reversible.', { exact: false }).waitFor();
    await shot('delete-account-confirm');
    const from = calls.length;
    await section.getByRole('button', { name: 'Delete', exact: true }).click();
    const del = await waitForCall('DeleteUser', from);
    assert.equal(del.status, 200, `DeleteUser answered ${del.status} ${del.errorType}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await shot('deleted-signed-out');
    const form = page.locator('form[data-amplify-authenticator-signin]');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(RESET_PASSWORD);
    const again = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    const refused = await waitForCall('RespondToAuthChallenge', again);
    assert.equal(refused.errorType, 'NotAuthorizedException');
    await page.getByText('Incorrect username or password.').waitFor();
    await shot('deleted-user-refused');
  });

  step('a RESET_REQUIRED user is sent to the reset screens by the sign-in itself', async () => {
    // A second user, signed up and confirmed over the API, then marked RESET_REQUIRED in the
    // database (as AdminResetUserPassword will).
    const sub = await signUpConfirmedOverApi(resetEmail, PASSWORD);
    await sqlite(`UPDATE users SET status = 'RESET_REQUIRED' WHERE id = '${sub}'`);
    const seen = await listEmails(sandbox.outbox, resetEmail);
    const form = page.locator('form[data-amplify-authenticator-signin]');
    await form.getByLabel('Email', { exact: true }).fill(resetEmail);
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    let from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    // SRP, then PasswordResetRequiredException, then the Authenticator's own ForgotPassword.
    const forgot = await waitForCall('ForgotPassword', from);
    assert.equal(forgot.status, 200, `ForgotPassword answered ${forgot.status} ${forgot.errorType}`);
    const refused = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(refused.errorType, 'PasswordResetRequiredException',
      `${calls.slice(from).map(describeCall).join(', ')}`);

    await page.locator('input[name="confirmation_code"]').waitFor();
    await shot('reset-required');
    const mail = await waitForNewEmail(sandbox.outbox, resetEmail, seen);
    await page.locator('input[name="confirmation_code"]').fill(mail.code);
    await page.locator('input[name="password"]').fill(RESET_PASSWORD);
    await page.locator('input[name="confirm_password"]').fill(RESET_PASSWORD);
    from = calls.length;
    await page.getByRole('button', { name: 'Submit' }).click();
    const confirmed = await waitForCall('ConfirmForgotPassword', from);
    assert.equal(confirmed.status, 200, `ConfirmForgotPassword answered ${confirmed.status} ${confirmed.errorType}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await form.getByLabel('Email', { exact: true }).fill(resetEmail);
    await form.getByLabel('Password', { exact: true }).fill(RESET_PASSWORD);
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    // CONFIRMED again: the first sign-in of this user sets up TOTP.
    await page.getByRole('heading', { name: 'Setup TOTP' }).waitFor();
    await shot('reset-required-done-setup-totp');
  });

  step('an invited user (AdminCreateUser) signs in with the emailed temporary password, sets a new one and TOTP', async () => {
    // The operator invites her with the AWS CLI, signed with the sandbox's own access key.
    const { stdout } = await execFileP('/usr/bin/aws', ['cognito-idp', 'admin-create-user',
      '--endpoint-url', sandbox.endpoint, '--user-pool-id', sandbox.poolId, '--username', invitedEmail,
      '--user-attributes', 'Name=email_verified,Value=true', '--desired-delivery-mediums', 'EMAIL',
      '--query', 'User.UserStatus', '--output', 'text'], {
      timeout: 30_000,
      env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: path.join(sandbox.dir, 'data', 'aws-credentials'),
             AWS_PROFILE: 'cognate', AWS_CONFIG_FILE: '/dev/null', AWS_PAGER: '' },
    });
    assert.equal(stdout.trim(), 'FORCE_CHANGE_PASSWORD');
    // (Not a 6-digit code: the invitation carries a temporary password.)
    const invite = await waitFor(async () => {
      const mails = await listEmails(sandbox.outbox, invitedEmail);
      return mails.length === 1 && /temporary password is/.test(mails[0].body) ? mails[0] : null;
    }, { timeoutMs: STEP_TIMEOUT_MS, what: `the invitation to ${invitedEmail}` });

    assert.equal(invite.subject, 'Your temporary password');
    const temporary = invite.body.match(/temporary password is (\S+?)\.?\s*$/)?.[1];
    assert.ok(temporary, `no temporary password in: ${invite.body}`);
    // From the Setup TOTP screen of the previous user, back to Sign In.
    await page.getByRole('button', { name: 'Back to Sign In' }).click();
    const form = page.locator('form[data-amplify-authenticator-signin]');
    await form.getByLabel('Email', { exact: true }).fill(invitedEmail);
    await form.getByLabel('Password', { exact: true }).fill(temporary);
    let from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Change Password' }).waitFor();
    await shot('invited-change-password');
    const challenge = calls.slice(from).find((c) => c.target === 'RespondToAuthChallenge');
    assert.equal(challenge.body.ChallengeName, 'PASSWORD_VERIFIER');
    await page.locator('input[name="password"]').fill(INVITED_PASSWORD);
    await page.locator('input[name="confirm_password"]').fill(INVITED_PASSWORD);
    from = calls.length;
    await page.getByRole('button', { name: 'Change Password' }).click();
    const answered = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(answered.body.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal(answered.body.ChallengeResponses.NEW_PASSWORD, INVITED_PASSWORD);
    assert.equal(answered.status, 200, `NEW_PASSWORD_REQUIRED answered ${answered.status} ${answered.errorType}`);
    // The pool requires MFA: on to the TOTP set-up, as for any first sign-in.
    await page.getByRole('heading', { name: 'Setup TOTP' }).waitFor();
    await page.locator('img[data-amplify-qrcode]').waitFor();
    await shot('invited-setup-totp');
    const secret = (await page.locator('[data-amplify-copy] > div').first().innerText()).trim();
    await page.locator('input[name="confirmation_code"]').fill(totpAt(secret, stepOf(Date.now())));
    from = calls.length;
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const verify = await waitForCall('VerifySoftwareToken', from);
    assert.equal(verify.status, 200, `VerifySoftwareToken answered ${verify.status} ${verify.errorType}`);
    await page.getByTestId('email').getByText(invitedEmail, { exact: true }).waitFor();
    await shot('invited-signed-in');
  });

  step('the app called the expected Cognito operations, only on 127.0.0.1', async () => {
    const expected = [
      'SignUp',
      'ConfirmSignUp',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → MFA_SETUP
      'AssociateSoftwareToken',
      'VerifySoftwareToken', // wrong code
      'VerifySoftwareToken',
      'RespondToAuthChallenge', // MFA_SETUP → tokens
      'GetUser',
      'GetTokensFromRefreshToken',
      'RevokeToken',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → SOFTWARE_TOKEN_MFA
      'RespondToAuthChallenge', // SOFTWARE_TOKEN_MFA, replayed setup code
      'RespondToAuthChallenge', // SOFTWARE_TOKEN_MFA → tokens
      'GetUser',
      'ChangePassword',
      'RevokeToken',
      'ForgotPassword',
      'ConfirmForgotPassword', // wrong code
      'ConfirmForgotPassword',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER, the changed password: refused
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → SOFTWARE_TOKEN_MFA
      'RespondToAuthChallenge', // SOFTWARE_TOKEN_MFA → tokens
      'DeleteUser',
      'InitiateAuth',
      'RespondToAuthChallenge', // the deleted user: refused
      'InitiateAuth',
      'RespondToAuthChallenge', // RESET_REQUIRED: PasswordResetRequiredException
      'ForgotPassword',
      'ConfirmForgotPassword',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → MFA_SETUP
      'AssociateSoftwareToken',
      'InitiateAuth',
      'RespondToAuthChallenge', // the invited user: PASSWORD_VERIFIER → NEW_PASSWORD_REQUIRED
      'RespondToAuthChallenge', // NEW_PASSWORD_REQUIRED → MFA_SETUP
      'AssociateSoftwareToken',
      'VerifySoftwareToken',
      'RespondToAuthChallenge', // MFA_SETUP → tokens
      'GetUser',
    ];
    // `expected` must appear in this order (other calls may sit between them).
    const seen = ops();
    let i = 0;
    for (const op of seen) {
      if (op === expected[i]) {
        i += 1;
      }
    }
    assert.equal(i, expected.length,
      `missing or out of order: ${expected.slice(i).join(', ')}\nactual: ${seen.join(', ')}`);
    // The two refusals the journey provokes; nothing else may fail.
    const provoked = (c) =>
      (c.target === 'VerifySoftwareToken' && c.errorType === 'EnableSoftwareTokenMFAException') ||
      (c.target === 'RespondToAuthChallenge' && c.errorType === 'CodeMismatchException') ||
      (c.target === 'ConfirmForgotPassword' && c.errorType === 'CodeMismatchException') ||
      (c.target === 'RespondToAuthChallenge' && c.errorType === 'NotAuthorizedException') ||
      (c.target === 'RespondToAuthChallenge' && c.errorType === 'PasswordResetRequiredException');
    const failed = calls.filter((c) => c.status !== 200);
    assert.equal(failed.filter(provoked).length, 6, `provoked refusals: ${failed.map(describeCall).join(', ')}`);
    const unexpectedFailures = failed.filter((c) => !provoked(c));
    assert.deepEqual(unexpectedFailures.map(describeCall), [], 'calls that failed');
    assert.deepEqual(foreignRequests, [], 'requests left 127.0.0.1');
  });
});
