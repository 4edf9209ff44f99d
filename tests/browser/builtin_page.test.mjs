// End-to-end: the server's own Authenticator page (GET / of `cognate sandbox`, src/ui/assets) in
// Debian's Chromium, driven by playwright-core, against a real sandbox with the seed config (email
// sign-up, MFA REQUIRED with TOTP) and `--app-name "Workshop App"` (a space in the TOTP issuer).
//
// Journey: heading + tabs → Create account (weak password, mismatched confirmation, then a good
// one) → "Check your email" with the masked destination → a wrong code, "Resend code", the old
// (replaced) code, the new code → auto sign-in → TOTP setup (the QR image on the page is decoded
// and checked: percent-encoded issuer and label, the secret shown beside it) → a wrong TOTP code,
// then the right one → signed in → Sign out (RevokeToken) → a wrong password, the right one → TOTP
// code screen: the setup code replayed (refused), the next step's code → signed in → reload: still
// signed in → Change password (a wrong current password first) → Change email (a code to the new
// address; a wrong one first) → Sign out → "Forgot your password?" with the keyboard only (code,
// mismatched then matching new password) → TOTP → signed in → Delete account (the typed
// confirmation) → the account is gone. Plus, in a second tab: the tab list works with the arrow
// keys, every visible input has a visible label, and phone-size screenshots.
//
// Needs: `npm ci` in tests/browser, /usr/bin/chromium and /usr/bin/zbarimg (scripts/install-deps),
// and a built server (COGNATE_BIN or build/cognate). Screenshots of every step go to
// build/screenshots/builtin/NN-step.png.
//
// Run: cd tests/browser && COGNATE_BIN=/work/main/build/cognate node --test builtin_page.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import {
  COGNATE_BIN,
  startSandbox,
  makeTempDir,
  removeDir,
  uniqueEmail,
  listEmails,
  waitFor,
} from './lib/cognate.mjs';
import { totpAt, stepOf } from './lib/totp.mjs';
import { decodeQr, ZBARIMG } from './lib/qr.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = path.join(REPO, 'build/screenshots/builtin');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const APP_NAME = 'Workshop App';
const STEP_TIMEOUT_MS = 15_000; // every wait for the page
const TEST_TIMEOUT_MS = 20_000; // one it()
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const PASSWORD = 'Passw0rd!';
const WEAK_PASSWORD = 'password';
const CHANGED_PASSWORD = 'Ch4nged-Passw0rd!';
const RESET_PASSWORD = 'R3set-Passw0rd!';
const DESKTOP = { width: 900, height: 1000 };
const PHONE = { width: 390, height: 844 };

// Shared state of the journey. The steps run in order; once one fails the rest are skipped.
let sandbox;
let context;
let page;
let userDataDir;
let broken = null;
const email = uniqueEmail('builtin');
const newEmail = uniqueEmail('builtin-moved');
const resetSeen = new Set(); // emails to newEmail before the reset (the verification code)
const calls = []; // { target, body, status, errorType, errorMessage, response } per API request, in order
const qrRequests = []; // bodies of POST /_cognate/qr
const foreignRequests = []; // any request not to 127.0.0.1
const consoleErrors = [];
let shotNo = 0;
let totpSecret;
let setupStep;
let signUpCodes = []; // emailed confirmation codes, oldest first

const timings = [];
const started = Date.now();
let t0 = Date.now();
function mark(what) {
  const now = Date.now();
  timings.push(`${what}: ${now - t0} ms`);
  t0 = now;
}

function shotFile(name) {
  shotNo += 1;
  return path.join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
}

async function shot(name, p = page) {
  const file = shotFile(name);
  await p.screenshot({ path: file, fullPage: true, timeout: STEP_TIMEOUT_MS });
  return file;
}

/**
 * Every visible input has a visible <label for=id> with text. Resolves to the labels (by id) so a
 * caller can check the wording.
 */
async function assertLabelled(p = page) {
  const inputs = await p.evaluate(() => {
    // checkVisibility() also hides what a closed <details> holds (content-visibility: hidden).
    const visible = (el) => !!el && el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true });

    return [...document.querySelectorAll('input, select, textarea')].filter(visible).map((el) => {
      const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
      return { id: el.id, label: visible(label) ? label.textContent.trim() : null };
    });
  });
  assert.ok(inputs.length > 0, 'no visible input on this screen');
  const unlabelled = inputs.filter((i) => !i.label);
  assert.deepEqual(unlabelled, [], 'visible inputs without a visible <label for=id>');
  return Object.fromEntries(inputs.map((i) => [i.id, i.label]));
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
        await shot(`${name.replace(/\W+/g, '-').slice(0, 60)}-FAILED`).catch(() => {});
      }
      t.diagnostic(`API calls so far: ${calls.map(describeCall).join(', ')}`);
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

/** One of the page's views (several share labels and button names, so scope to one). */
const view = (id) => page.locator(`#${id}`);

const ops = () => calls.map((c) => c.target);

/** Waits for the next API call named `target` after index `from`, with its response. */
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

/** The visible error (role=alert) once it contains `pattern`. */
async function waitForError(pattern) {
  const el = page.locator('#error', { hasText: pattern });
  await el.waitFor({ state: 'visible' });
  return (await el.innerText()).trim();
}

async function waitForInfo(pattern) {
  const el = page.locator('#info', { hasText: pattern });
  await el.waitFor({ state: 'visible' });
  return (await el.innerText()).trim();
}

/** Only this one of the page's views is visible. */
async function assertOnlyView(id) {
  const shown = await page.evaluate(() =>
    [...document.querySelectorAll('main > section')].filter((s) => !s.hidden).map((s) => s.id));
  assert.deepEqual(shown, [id], `visible views: ${shown.join(', ')}`);
}

/** A 6-digit code that is not valid for any step the server accepts now (t-1..t+1). */
function wrongCode(secret) {
  const now = stepOf(Date.now());
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(secret, now + d)));
  return ['000000', '111111', '123456', '999999'].find((c) => !valid.has(c));
}

/** Waits (bounded) for an email to `email` whose file is not in `known`; resolves to it. */
async function waitForNewEmail(known) {
  return waitFor(
    async () => {
      const fresh = (await listEmails(sandbox.outbox, email)).filter((m) => !known.has(m.file));
      if (fresh.length > 1) {
        throw new Error(`expected one new email to ${email}, found ${fresh.length}`);
      }
      return fresh.length === 1 && fresh[0].code ? fresh[0] : null;
    },
    { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 100, what: `a new email to ${email} in ${sandbox.outbox}` },
  );
}

/** As waitForNewEmail, for any address `to`; adds what it returns to `known`. */
async function waitForNewEmailTo(to, known) {
  const mail = await waitFor(
    async () => {
      const fresh = (await listEmails(sandbox.outbox, to)).filter((m) => !known.has(m.file));
      if (fresh.length > 1) {
        throw new Error(`expected one new email to ${to}, found ${fresh.length}`);
      }
      return fresh.length === 1 && fresh[0].code ? fresh[0] : null;
    },
    { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 100, what: `a new email to ${to} in ${sandbox.outbox}` },
  );
  known.add(mail.file);
  return mail;
}

/** Records the API calls, QR requests and script errors of one tab. */
function watch(p) {
  const endpointOrigin = new URL(sandbox.endpoint).origin;
  const pending = new Map();
  p.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== endpointOrigin || req.method() !== 'POST') {
      return;
    }
    if (url.pathname === '/_cognate/qr') {
      qrRequests.push(req.postData());
      return;
    }
    const target = req.headers()['x-amz-target'] ?? '(no x-amz-target)';
    const entry = { target: target.replace(TARGET_PREFIX, ''), rawTarget: target, body: req.postDataJSON() };
    calls.push(entry);
    pending.set(req, entry);
  });
  p.on('response', async (res) => {
    const req = res.request();
    const entry = pending.get(req);
    if (!entry) {
      return;
    }
    pending.delete(req);
    const body = (await res.json().catch(() => ({}))) ?? {};
    if (res.status() === 200) {
      entry.response = body;
    } else {
      entry.errorType = String(body.__type ?? '').split('#').pop();
      entry.errorMessage = body.message ?? body.Message;
    }
    entry.status = res.status();
  });
  p.on('requestfailed', (req) => {
    const entry = pending.get(req);
    if (entry) {
      pending.delete(req);
      entry.errorType = req.failure()?.errorText;
      entry.status = 0;
    }
  });
  p.on('console', (msg) => {
    // Chromium logs every non-2xx fetch as "Failed to load resource"; the journey provokes some
    // 400s, and the browser's own /favicon.ico request gets a 404 (the page declares no icon).
    const text = msg.text();
    const url = msg.location()?.url ?? '';
    if (msg.type() !== 'error' || text.includes('the server responded with a status of 400') ||
        (url.endsWith('/favicon.ico') && text.includes('status of 404'))) {
      return;
    }
    consoleErrors.push(`${text}${url ? ` (${url})` : ''}`);
  });
  p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
}

before(async () => {
  for (const [what, file] of [['cognate', COGNATE_BIN], ['chromium', CHROMIUM], ['zbarimg', ZBARIMG]]) {
    assert.ok(existsSync(file), `${what} not found at ${file}`);
  }
  await fs.rm(SHOTS, { recursive: true, force: true });
  await fs.mkdir(SHOTS, { recursive: true });

  userDataDir = await makeTempDir('cognate-chromium-');
  const [sb, ctx] = await Promise.all([
    startSandbox({ extraArgs: ['--app-name', APP_NAME] }),
    chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: DESKTOP,
      timeout: STEP_TIMEOUT_MS,
    }),
  ]);
  sandbox = sb;
  context = ctx;
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  // Every request of every tab (and worker) of the browser must stay on 127.0.0.1.
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      foreignRequests.push(req.url());
    }
  });
  page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  mark('sandbox start + chromium launch');
}, { timeout: 30_000 });

after(async () => {
  await context?.close().catch(() => {});
  if (sandbox) {
    const info = await sandbox.stop().catch((e) => ({ error: e.message }));
    if (info?.code !== 0 && info?.signal !== 'SIGTERM') {
      console.log(`cognate sandbox stopped with ${JSON.stringify(info)}`);
    }
  }
  await removeDir(userDataDir).catch(() => {});
  console.log(`timings: ${timings.join('; ')}; total ${Date.now() - started} ms`);
  console.log(`API calls: ${calls.map(describeCall).join(', ')}`);
  console.log(`screenshots: ${SHOTS}`);
});

describe('built-in Authenticator page of cognate sandbox', { timeout: 150_000 }, () => {
  step('the page shows the app name and the "Sign in" / "Create account" tabs', async () => {
    await page.goto(`${sandbox.endpoint}/`, { timeout: STEP_TIMEOUT_MS });
    await page.getByRole('heading', { level: 1, name: APP_NAME, exact: true }).waitFor();
    assert.equal(await page.title(), `${APP_NAME}: sign in`);
    const tabs = page.getByRole('tab');
    assert.deepEqual(await tabs.allInnerTexts(), ['Sign in', 'Create account']);
    assert.equal(await page.getByRole('tab', { name: 'Sign in' }).getAttribute('aria-selected'), 'true');
    await page.locator('#view-sign-in').waitFor();
    await assertOnlyView('view-sign-in');
    const labels = await assertLabelled();
    assert.deepEqual(labels, { 'sign-in-email': 'Email', 'sign-in-password': 'Password' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-email', 'email field not focused');
    // Nothing has been called yet but the config (GetUser only with tokens in sessionStorage).
    assert.deepEqual(ops(), []);
    await shot('sign-in');
  });

  step('Create account: a weak password, then mismatched confirmation, are refused readably', async () => {
    await page.getByRole('tab', { name: 'Create account' }).click();
    await assertOnlyView('view-sign-up');
    const form = page.locator('#form-sign-up');
    const labels = await assertLabelled();
    assert.deepEqual(labels, { 'sign-up-email': 'Email', 'sign-up-password': 'Password', 'sign-up-confirm': 'Confirm password' });
    // The policy of the pool, in words, under the password field.
    const rules = (await page.locator('#password-rules').innerText()).trim();
    assert.equal(rules, 'Use at least 8 characters, a lower-case letter, an upper-case letter, a number and a symbol.');

    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(WEAK_PASSWORD);
    await form.getByLabel('Confirm password', { exact: true }).fill(WEAK_PASSWORD);
    await shot('create-account-weak');
    let from = calls.length;
    await form.getByRole('button', { name: 'Create account' }).click();
    const weak = await waitForCall('SignUp', from);
    assert.equal(weak.status, 400, 'a weak password was accepted');
    assert.equal(weak.errorType, 'InvalidPasswordException');
    const weakText = await waitForError(/too weak/);
    // "That password is too weak. Add an upper-case letter." (the first rule the server names)
    assert.match(weakText, /^That password is too weak\. (Add|Use) .+\.$/);
    await assertOnlyView('view-sign-up');
    await shot('create-account-weak-error');

    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await form.getByLabel('Confirm password', { exact: true }).fill(`${PASSWORD}x`);
    from = calls.length;
    await form.getByRole('button', { name: 'Create account' }).click();
    const mismatch = await waitForError(/match/);
    assert.equal(mismatch, 'The passwords don’t match.');
    assert.equal(calls.length, from, 'mismatched passwords were sent to the server');
    await shot('create-account-mismatch');
  });

  step('Create account with a good password → "Check your email" with the masked destination', async () => {
    const form = page.locator('#form-sign-up');
    await form.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
    const from = calls.length;
    await form.getByRole('button', { name: 'Create account' }).click();
    const signUp = await waitForCall('SignUp', from);
    assert.equal(signUp.status, 200, `SignUp answered ${signUp.status} ${signUp.errorType}`);
    assert.equal(signUp.body.Username, email);
    assert.equal(signUp.body.ClientId, sandbox.clientId);
    assert.deepEqual(signUp.body.UserAttributes, [{ Name: 'email', Value: email }]);
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await assertOnlyView('view-confirm');
    assert.equal(await page.locator('#tabs').isHidden(), true, 'the tabs are still shown');
    const destination = (await page.locator('#confirm-destination').innerText()).trim();
    assert.equal(destination, signUp.response.CodeDeliveryDetails.Destination);
    assert.notEqual(destination, email, 'the destination is not masked');
    assert.match(destination, /^[^*@]\*+@[^*]*\*+/, `not a masked address: ${destination}`);
    assert.equal(destination[0], email[0]);
    assert.equal(await page.locator('#error').isHidden(), true, 'an old error is still shown');
    assert.deepEqual(await assertLabelled(), { 'confirm-code': 'Confirmation code' });
    await shot('check-your-email');
  });

  step('a wrong code is refused; "Resend code" sends a new email; the old code is then "replaced"', async () => {
    const first = await waitForNewEmail(new Set());
    signUpCodes.push(first.code);
    const wrong = ['000000', '111111', '222222'].find((c) => c !== first.code);
    await view('view-confirm').getByLabel('Confirmation code').fill(wrong);
    let from = calls.length;
    await view('view-confirm').getByRole('button', { name: 'Confirm', exact: true }).click();
    const bad = await waitForCall('ConfirmSignUp', from);
    assert.equal(bad.errorType, 'CodeMismatchException');
    assert.equal(await waitForError(/isn.t right/), 'That code isn’t right. Check the email and try again.');
    await assertOnlyView('view-confirm');
    await shot('confirm-wrong-code');

    from = calls.length;
    await page.getByRole('button', { name: 'Resend code' }).click();
    const resend = await waitForCall('ResendConfirmationCode', from);
    assert.equal(resend.status, 200, `ResendConfirmationCode answered ${resend.status} ${resend.errorType}`);
    assert.equal(resend.body.Username, email);
    const info = await waitForInfo(/new code/);
    assert.equal(info, `We sent a new code to ${resend.response.CodeDeliveryDetails.Destination}.`);
    assert.equal(await page.locator('#error').isHidden(), true, 'the old error is still shown');
    const second = await waitForNewEmail(new Set([first.file]));
    assert.notEqual(second.code, first.code, 'the resent code equals the first one');
    signUpCodes.push(second.code);
    await shot('confirm-resent');

    await view('view-confirm').getByLabel('Confirmation code').fill(first.code);
    from = calls.length;
    await view('view-confirm').getByRole('button', { name: 'Confirm', exact: true }).click();
    const old = await waitForCall('ConfirmSignUp', from);
    assert.equal(old.errorType, 'ExpiredCodeException', `the replaced code answered ${old.status} ${old.errorType}`);
    const oldText = await waitForError(/expired|replaced/);
    assert.match(oldText, /expired or was replaced/);
    assert.equal(await page.locator('#info').isHidden(), true, 'the "sent a new code" notice is still shown');
    await shot('confirm-old-code');
  });

  step('the new code → auto sign-in (SRP) → TOTP setup screen', async () => {
    await view('view-confirm').getByLabel('Confirmation code').fill(signUpCodes[1]);
    const from = calls.length;
    await view('view-confirm').getByRole('button', { name: 'Confirm', exact: true }).click();
    const confirm = await waitForCall('ConfirmSignUp', from);
    assert.equal(confirm.status, 200, `ConfirmSignUp answered ${confirm.status} ${confirm.errorType}`);
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.waitForFunction(() => {
      const img = document.getElementById('totp-qr');
      return img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
    await assertOnlyView('view-totp-setup');
    assert.deepEqual(ops().slice(from), ['ConfirmSignUp', 'InitiateAuth', 'RespondToAuthChallenge', 'AssociateSoftwareToken']);
    assert.equal(calls[from + 1].body.AuthFlow, 'USER_SRP_AUTH');
    assert.equal(calls[from + 2].body.ChallengeName, 'PASSWORD_VERIFIER');
    assert.equal(calls[from + 2].response.ChallengeName, 'MFA_SETUP');
    assert.deepEqual(await assertLabelled(), { 'totp-setup-code': 'Code from the app' });
    await shot('totp-setup');
  });

  step('the QR image on the page decodes to a percent-encoded otpauth URI with the shown key', async () => {
    const qrFile = shotFile('totp-qr');
    await page.locator('#totp-qr').screenshot({ path: qrFile });
    const texts = await decodeQr(qrFile);
    assert.equal(texts.length, 1, `expected one QR code in ${qrFile}, zbarimg found ${texts.length}`);
    const text = texts[0];
    assert.ok(text.startsWith('otpauth://totp/'), `not an otpauth://totp/ URI: ${text}`);
    assert.equal(text, qrRequests.at(-1), 'the QR image differs from the URI the page sent to /_cognate/qr');
    const [rawLabel, rawQuery = ''] = text.slice('otpauth://totp/'.length).split('?');
    // The issuer's space is %20 (not a raw space, not "+"), the email's "@" is %40.
    assert.equal(rawLabel, `Workshop%20App:${encodeURIComponent(email)}`);
    assert.equal(decodeURIComponent(rawLabel), `${APP_NAME}:${email}`);
    assert.ok(rawQuery.split('&').includes('issuer=Workshop%20App'), `issuer not percent-encoded: ${rawQuery}`);
    const params = new URLSearchParams(rawQuery);
    assert.equal(params.get('issuer'), APP_NAME);
    const secret = params.get('secret');
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'secret is not base32');
    const shown = (await page.locator('#totp-secret').innerText()).trim();
    assert.equal(secret, shown, 'the QR secret differs from the key shown on the page');
    const assoc = calls.find((c) => c.target === 'AssociateSoftwareToken');
    assert.equal(secret, assoc.response.SecretCode, 'the key differs from AssociateSoftwareToken\'s SecretCode');
    assert.ok(assoc.body.Session, 'AssociateSoftwareToken was not sent with the MFA_SETUP session');
    totpSecret = secret;

    // Phone size: the QR step must still fit and the QR still scan.
    await page.setViewportSize(PHONE);
    try {
      await shot('phone-totp-setup');
      const phoneQr = shotFile('phone-totp-qr');
      await page.locator('#totp-qr').screenshot({ path: phoneQr });
      assert.deepEqual(await decodeQr(phoneQr), [text], 'the QR does not scan at phone size');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390px wide`);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  step('a wrong TOTP code shows an error on the same screen', async (t) => {
    const code = wrongCode(totpSecret);
    await view('view-totp-setup').getByLabel('Code from the app').fill(code);
    const from = calls.length;
    await view('view-totp-setup').getByRole('button', { name: 'Confirm', exact: true }).click();
    const verify = await waitForCall('VerifySoftwareToken', from);
    assert.equal(verify.body.UserCode, code);
    assert.equal(verify.errorType, 'EnableSoftwareTokenMFAException', `a wrong TOTP code answered ${verify.status} ${verify.errorType}`);
    const text = await waitForError(/didn.t match/);
    assert.equal(text, 'That code didn’t match. Make sure your phone’s clock is right and enter the current code.');
    await assertOnlyView('view-totp-setup');
    // The same QR and key stay on screen.
    assert.equal((await page.locator('#totp-secret').innerText()).trim(), totpSecret);
    // The keyboard focus goes back to the code field, so the user can type the next code at once.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'totp-setup-code');
    await shot('totp-setup-wrong-code');
  });

  step('the right TOTP code → signed-in view showing the email', async () => {
    setupStep = stepOf(Date.now());
    const code = totpAt(totpSecret, setupStep);
    await view('view-totp-setup').getByLabel('Code from the app').fill(code);
    const from = calls.length;
    await view('view-totp-setup').getByRole('button', { name: 'Confirm', exact: true }).click();
    const verify = await waitForCall('VerifySoftwareToken', from);
    assert.equal(verify.status, 200, `VerifySoftwareToken answered ${verify.status} ${verify.errorType}`);
    await page.getByRole('heading', { name: 'You’re signed in' }).waitFor();
    await page.locator('#signed-in-email', { hasText: email }).waitFor();
    await assertOnlyView('view-signed-in');
    assert.equal(await page.locator('#error').isHidden(), true, 'the wrong-code error is still shown');
    assert.deepEqual(ops().slice(from), ['VerifySoftwareToken', 'RespondToAuthChallenge', 'GetUser']);
    assert.equal(calls[from + 1].body.ChallengeName, 'MFA_SETUP');
    assert.ok(calls[from + 1].response.AuthenticationResult?.AccessToken, 'no tokens after MFA_SETUP');
    const stored = JSON.parse(await page.evaluate(() => sessionStorage.getItem('cognate.tokens')));
    assert.ok(stored?.accessToken && stored.idToken && stored.refreshToken, 'tokens not in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'something was put in localStorage');
    await shot('signed-in');
  });

  step('Sign out → RevokeToken → sign-in screen with a "signed out" message', async () => {
    const stored = JSON.parse(await page.evaluate(() => sessionStorage.getItem('cognate.tokens')));
    const from = calls.length;
    await page.getByRole('button', { name: 'Sign out' }).click();
    const revoke = await waitForCall('RevokeToken', from);
    assert.equal(revoke.rawTarget, `${TARGET_PREFIX}RevokeToken`);
    assert.equal(revoke.status, 200, `RevokeToken answered ${revoke.status} ${revoke.errorType}`);
    assert.equal(revoke.body.Token, stored.refreshToken, 'RevokeToken did not carry the refresh token');
    assert.equal(revoke.body.ClientId, sandbox.clientId);
    assert.match(await waitForInfo(/signed out/), /^You have signed out\.$/);
    await assertOnlyView('view-sign-in');
    assert.equal(await page.locator('#tabs').isVisible(), true, 'the tabs are not shown');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cognate.tokens')), null, 'tokens left in sessionStorage');
    await shot('signed-out');
  });

  step('a wrong password → "Wrong email or password."', async () => {
    const form = page.locator('#form-sign-in');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(`${PASSWORD}wrong`);
    const from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.errorType, 'NotAuthorizedException', `a wrong password answered ${respond.status} ${respond.errorType}`);
    assert.equal(await waitForError(/Wrong/), 'Wrong email or password.');
    assert.equal(await page.locator('#info').isHidden(), true, 'the "signed out" notice is still shown');
    await assertOnlyView('view-sign-in');
    await shot('sign-in-wrong-password');
  });

  step('the right password → TOTP code screen', async () => {
    const form = page.locator('#form-sign-in');
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const from = calls.length;
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await assertOnlyView('view-totp');
    assert.deepEqual(ops().slice(from), ['InitiateAuth', 'RespondToAuthChallenge']);
    assert.equal(calls[from].body.AuthFlow, 'USER_SRP_AUTH');
    assert.equal(calls[from + 1].response.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(await page.locator('#error').isHidden(), true, 'the wrong-password error is still shown');
    assert.deepEqual(await assertLabelled(), { 'totp-code': 'Code from the app' });
    await shot('totp-code');
  });

  step('the setup code replayed → "codes work once" error on the same screen', async () => {
    const code = totpAt(totpSecret, setupStep);
    await view('view-totp').getByLabel('Code from the app').fill(code);
    const from = calls.length;
    await view('view-totp').getByRole('button', { name: 'Confirm', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(respond.errorType, 'CodeMismatchException', `a replayed code answered ${respond.status} ${respond.errorType}`);
    const text = await waitForError(/works once/);
    assert.equal(text, 'That code didn’t work. Each code works once: wait for the next code in your app and try again.');
    await assertOnlyView('view-totp');
    await shot('totp-code-replayed');
  });

  step('the next step\'s code → signed in', async () => {
    // Same challenge session as the refused try; the next 30 s step is inside the ±1 window.
    const code = totpAt(totpSecret, Math.max(setupStep + 1, stepOf(Date.now())));
    await view('view-totp').getByLabel('Code from the app').fill(code);
    const from = calls.length;
    await view('view-totp').getByRole('button', { name: 'Confirm', exact: true }).click();
    const respond = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(respond.body.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, code);
    assert.equal(respond.status, 200, `SOFTWARE_TOKEN_MFA answered ${respond.status} ${respond.errorType}`);
    await page.locator('#signed-in-email', { hasText: email }).waitFor();
    await assertOnlyView('view-signed-in');
    await shot('signed-in-again');
  });

  step('a reload keeps the session (sessionStorage) → still signed in', async () => {
    const from = calls.length;
    await page.reload({ timeout: STEP_TIMEOUT_MS });
    await page.locator('#signed-in-email', { hasText: email }).waitFor();
    await assertOnlyView('view-signed-in');
    assert.equal(await page.locator('#tabs').isHidden(), true, 'tabs shown while signed in');
    assert.deepEqual(ops().slice(from), ['GetUser']);
    assert.equal(calls[from].status, 200);
    await shot('reloaded-signed-in');
    await page.setViewportSize(PHONE);
    try {
      await shot('phone-signed-in');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  step('Change password: a wrong current password is refused readably, the right one changes it', async () => {
    await page.locator('summary', { hasText: 'Change password' }).click();
    const form = page.locator('#form-change-password');
    await form.getByLabel('Current password', { exact: true }).waitFor();
    assert.deepEqual(await assertLabelled(), {
      'current-password': 'Current password', 'new-password': 'New password',
      'new-password-confirm': 'Confirm new password',
    });
    await form.getByLabel('Current password', { exact: true }).fill(`${PASSWORD}wrong`);
    await form.getByLabel('New password', { exact: true }).fill(CHANGED_PASSWORD);
    await form.getByLabel('Confirm new password', { exact: true }).fill(CHANGED_PASSWORD);
    let from = calls.length;
    await form.getByRole('button', { name: 'Change password' }).click();
    const wrong = await waitForCall('ChangePassword', from);
    assert.equal(wrong.errorType, 'NotAuthorizedException');
    assert.equal(await waitForError(/current password/), 'Your current password is wrong.');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'current-password');
    await shot('change-password-wrong');
    await form.getByLabel('Current password', { exact: true }).fill(PASSWORD);
    from = calls.length;
    await form.getByRole('button', { name: 'Change password' }).click();
    const changed = await waitForCall('ChangePassword', from);
    assert.equal(changed.status, 200, `ChangePassword answered ${changed.status} ${changed.errorType}`);
    assert.equal(changed.body.PreviousPassword, PASSWORD);
    assert.equal(changed.body.ProposedPassword, CHANGED_PASSWORD);
    assert.equal(await waitForInfo(/changed/), 'Your password was changed.');
    await shot('change-password-done');
  });

  step('Change email: the code goes to the new address; the old one stays until it is entered', async () => {
    await page.locator('summary', { hasText: 'Change email' }).click();
    const form = page.locator('#form-change-email');
    await form.getByLabel('New email', { exact: true }).fill(newEmail);
    let from = calls.length;
    await form.getByRole('button', { name: 'Send code to the new email' }).click();
    const update = await waitForCall('UpdateUserAttributes', from);
    assert.equal(update.status, 200, `UpdateUserAttributes answered ${update.status} ${update.errorType}`);
    assert.deepEqual(update.body.UserAttributes, [{ Name: 'email', Value: newEmail }]);
    const destination = update.response.CodeDeliveryDetailsList[0].Destination;
    assert.equal(await waitForInfo(/sent a code/), `We sent a code to ${destination}. Your email changes once you enter it.`);
    // Still the old address until the code is entered.
    assert.equal((await page.locator('#signed-in-email').innerText()).trim(), email);
    const verify = page.locator('#form-verify-email');
    await verify.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'verify-email-code');
    await shot('change-email-code-sent');
    const mail = await waitForNewEmailTo(newEmail, resetSeen);
    await verify.locator('#verify-email-code').fill(mail.code === '000000' ? '111111' : '000000');
    from = calls.length;
    await verify.getByRole('button', { name: 'Confirm new email' }).click();
    const bad = await waitForCall('VerifyUserAttribute', from);
    assert.equal(bad.errorType, 'CodeMismatchException');
    assert.equal(await waitForError(/isn.t right/), 'That code isn’t right. Check the email and try again.');
    await shot('change-email-wrong-code');
    await verify.locator('#verify-email-code').fill(mail.code);
    from = calls.length;
    await verify.getByRole('button', { name: 'Confirm new email' }).click();
    const ok = await waitForCall('VerifyUserAttribute', from);
    assert.equal(ok.status, 200, `VerifyUserAttribute answered ${ok.status} ${ok.errorType}`);
    assert.equal(ok.body.AttributeName, 'email');
    await page.locator('#signed-in-email', { hasText: newEmail }).waitFor();
    assert.equal(await waitForInfo(/email was changed/), 'Your email was changed. Sign in with it from now on.');
    await shot('change-email-done');
  });

  step('Sign out; "Forgot your password?" with the keyboard only → code + new password → signed in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitForInfo(/signed out/);
    // From here on only the keyboard: Tab to the link, Enter; every form submits with Enter.
    await page.focus('#sign-in-email');
    await page.keyboard.type(newEmail);
    await page.keyboard.press('Tab'); // password
    await page.keyboard.press('Tab'); // Sign in
    await page.keyboard.press('Tab'); // Forgot your password?
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'forgot-password');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await assertOnlyView('view-forgot');
    assert.deepEqual(await assertLabelled(), { 'forgot-email': 'Email' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'forgot-email');
    assert.equal(await page.locator('#forgot-email').inputValue(), newEmail, 'the email was not carried over');
    await shot('forgot-password');
    let from = calls.length;
    await page.keyboard.press('Enter');
    const forgot = await waitForCall('ForgotPassword', from);
    assert.equal(forgot.status, 200, `ForgotPassword answered ${forgot.status} ${forgot.errorType}`);
    assert.equal(forgot.body.Username, newEmail);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await assertOnlyView('view-reset');
    assert.deepEqual(await assertLabelled(), {
      'reset-code': 'Code from the email', 'reset-password': 'New password',
      'reset-confirm': 'Confirm new password',
    });
    assert.equal((await page.locator('#reset-destination').innerText()).trim(),
      forgot.response.CodeDeliveryDetails.Destination);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reset-code');
    const mail = await waitForNewEmailTo(newEmail, resetSeen);
    await shot('reset-code-screen');
    await page.keyboard.type(mail.code);
    await page.keyboard.press('Tab');
    await page.keyboard.type(RESET_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(`${RESET_PASSWORD}x`);
    from = calls.length;
    await page.keyboard.press('Enter');
    assert.equal(await waitForError(/match/), 'The passwords don’t match.');
    assert.equal(calls.length, from, 'mismatched passwords were sent to the server');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reset-confirm');
    await shot('reset-mismatch');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    const confirmed = await waitForCall('ConfirmForgotPassword', from);
    assert.equal(confirmed.status, 200, `ConfirmForgotPassword answered ${confirmed.status} ${confirmed.errorType}`);
    assert.equal(confirmed.body.ConfirmationCode, mail.code);
    assert.equal(confirmed.body.Password, RESET_PASSWORD);
    assert.equal(await waitForInfo(/password was changed/), 'Your password was changed. Sign in with the new one.');
    await assertOnlyView('view-sign-in');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-password');
    await shot('reset-done');
    await page.keyboard.type(RESET_PASSWORD);
    from = calls.length;
    await page.keyboard.press('Enter');
    // The reset does not skip MFA.
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'totp-code');
    let codeStep = Math.max(setupStep + 2, stepOf(Date.now()));
    while (codeStep > stepOf(Date.now()) + 1) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.keyboard.type(totpAt(totpSecret, codeStep));
    await page.keyboard.press('Enter');
    await page.locator('#signed-in-email', { hasText: newEmail }).waitFor();
    await shot('signed-in-after-reset');
  }, 60_000);

  step('Delete account: "DELETE" must be typed; then the account is gone', async () => {
    await page.locator('summary', { hasText: 'Delete account' }).click();
    const form = page.locator('#form-delete');
    await form.getByLabel('Type DELETE to confirm').fill('delete');
    let from = calls.length;
    await form.getByRole('button', { name: 'Delete my account' }).click();
    assert.equal(await waitForError(/DELETE/), 'Type DELETE in capitals to confirm.');
    assert.equal(calls.length, from, 'DeleteUser was called without the confirmation');
    await shot('delete-unconfirmed');
    await form.getByLabel('Type DELETE to confirm').fill('DELETE');
    from = calls.length;
    await form.getByRole('button', { name: 'Delete my account' }).click();
    const del = await waitForCall('DeleteUser', from);
    assert.equal(del.status, 200, `DeleteUser answered ${del.status} ${del.errorType}`);
    assert.equal(await waitForInfo(/deleted/), 'Your account was deleted.');
    await assertOnlyView('view-sign-in');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cognate.tokens')), null, 'tokens left in sessionStorage');
    await shot('deleted');
    const signIn = page.locator('#form-sign-in');
    await signIn.getByLabel('Email', { exact: true }).fill(newEmail);
    await signIn.getByLabel('Password', { exact: true }).fill(RESET_PASSWORD);
    from = calls.length;
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
    const refused = await waitForCall('RespondToAuthChallenge', from);
    assert.equal(refused.errorType, 'NotAuthorizedException');
    assert.equal(await waitForError(/Wrong/), 'Wrong email or password.');
    await shot('deleted-sign-in-refused');
  });

  step('the page called the expected operations, only on 127.0.0.1, without script errors', async () => {
    const expected = [
      'SignUp', // weak password
      'SignUp',
      'ConfirmSignUp', // wrong code
      'ResendConfirmationCode',
      'ConfirmSignUp', // replaced code
      'ConfirmSignUp',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → MFA_SETUP
      'AssociateSoftwareToken',
      'VerifySoftwareToken', // wrong code
      'VerifySoftwareToken',
      'RespondToAuthChallenge', // MFA_SETUP → tokens
      'GetUser',
      'RevokeToken',
      'InitiateAuth',
      'RespondToAuthChallenge', // wrong password
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → SOFTWARE_TOKEN_MFA
      'RespondToAuthChallenge', // replayed setup code
      'RespondToAuthChallenge', // SOFTWARE_TOKEN_MFA → tokens
      'GetUser',
      'GetUser', // after the reload
      'ChangePassword', // wrong current password
      'ChangePassword',
      'UpdateUserAttributes',
      'VerifyUserAttribute', // wrong code
      'VerifyUserAttribute',
      'GetUser',
      'RevokeToken',
      'ForgotPassword',
      'ConfirmForgotPassword',
      'InitiateAuth',
      'RespondToAuthChallenge', // PASSWORD_VERIFIER → SOFTWARE_TOKEN_MFA
      'RespondToAuthChallenge', // SOFTWARE_TOKEN_MFA → tokens
      'GetUser',
      'DeleteUser',
      'InitiateAuth',
      'RespondToAuthChallenge', // the deleted account
    ];
    assert.deepEqual(ops(), expected);
    assert.ok(calls.every((c) => c.rawTarget.startsWith(TARGET_PREFIX)), 'a call without the Cognito X-Amz-Target');
    const refused = calls.filter((c) => c.status !== 200).map(describeCall);
    assert.deepEqual(refused, [
      'SignUp(400 InvalidPasswordException)',
      'ConfirmSignUp(400 CodeMismatchException)',
      'ConfirmSignUp(400 ExpiredCodeException)',
      'VerifySoftwareToken(400 EnableSoftwareTokenMFAException)',
      'RespondToAuthChallenge(400 NotAuthorizedException)',
      'RespondToAuthChallenge(400 CodeMismatchException)',
      'ChangePassword(400 NotAuthorizedException)',
      'VerifyUserAttribute(400 CodeMismatchException)',
      'RespondToAuthChallenge(400 NotAuthorizedException)',
    ]);
    assert.equal(qrRequests.length, 1, 'the QR code was drawn more than once');
    assert.deepEqual(foreignRequests, [], 'requests left 127.0.0.1');
    assert.deepEqual(consoleErrors, [], 'browser console errors');
  });
});

// Independent of the journey: a fresh tab (its own sessionStorage, so signed out).
describe('built-in Authenticator page: keyboard, labels, phone size', { timeout: 30_000 }, () => {
  it('the tab list switches with the arrow keys; inputs are labelled; phone layout', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    assert.ok(context, 'the browser did not start');
    const tab = await context.newPage();
    watch(tab);
    try {
      await tab.goto(`${sandbox.endpoint}/`, { timeout: STEP_TIMEOUT_MS });
      await tab.getByRole('heading', { level: 1, name: APP_NAME, exact: true }).waitFor();
      await tab.locator('#view-sign-in').waitFor();
      await assertLabelled(tab);
      const selected = () => tab.evaluate(() => [...document.querySelectorAll('[role=tab]')]
        .filter((t) => t.getAttribute('aria-selected') === 'true').map((t) => t.id));

      await tab.focus('#tab-sign-in');
      await tab.keyboard.press('ArrowRight');
      assert.deepEqual(await selected(), ['tab-sign-up']);
      await tab.locator('#view-sign-up').waitFor();
      assert.equal(await tab.locator('#view-sign-in').isHidden(), true);
      await assertLabelled(tab);
      // The WAI-ARIA tabs pattern: focus stays on the newly selected tab, so ArrowLeft goes back.
      const focused = await tab.evaluate(() => document.activeElement?.id);
      assert.equal(focused, 'tab-sign-up', `focus went to ${focused}`);
      await shot('keyboard-create-account-tab', tab);

      // Back with ArrowLeft from the focused tab.
      await tab.focus('#tab-sign-up');
      await tab.keyboard.press('ArrowLeft');
      assert.deepEqual(await selected(), ['tab-sign-in']);
      await tab.locator('#view-sign-in').waitFor();

      await tab.setViewportSize(PHONE);
      await shot('phone-sign-in', tab);
      const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390px wide`);
      await tab.getByRole('tab', { name: 'Create account' }).click();
      await shot('phone-create-account', tab);
    } finally {
      await tab.close().catch(() => {});
    }
  });
});
