// The seed's workshop app as a Gen 2 starter lays it out (examples/workshop-app: React + Vite +
// TypeScript, its own amplify/ with the seed's resource.ts, `import outputs from
// "../amplify_outputs.json"` and the one line that sets userPoolEndpoint), in Debian's Chromium
// against `cognate sandbox` run in the project folder — so the sandbox reads amplify/backend.ts
// and auth/resource.ts as they are, writes amplify_outputs.json where the app imports it, and
// `vite build` bakes it in.
//
// Journey: Create Account → the email has resource.ts's subject and body → confirm → TOTP set-up
// → signed in. Then resource.ts is edited (email MFA added, `multifactor: {mode: 'REQUIRED', totp:
// true, email: true}` with `senders.email`) and the sandbox applies it live; a new user chooses
// "Email Message" at set-up, gives the address, enters the emailed code and is signed in; signing
// in again asks for a new emailed code; a third user picks TOTP at set-up; the email user, with
// TOTP added and neither preferred, is asked to choose and picks email. The first user still
// signs in with TOTP.
//
// Run: COGNATE_BIN=/work/main/build/cognate node --test tests/browser/workshop_app.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { COGNATE_BIN, killOnExit, listEmails, makeTempDir, removeDir, uniqueEmail, waitFor } from './lib/cognate.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { totpAt, stepOf } from './lib/totp.mjs';

const execFileP = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = path.join(REPO, 'examples/workshop-app');
const SHOTS = path.join(REPO, 'build/screenshots/workshop');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15_000;
const PASSWORD = 'Passw0rd!';
const FROM = 'security@workshop.example';

let project;
let sandbox;  // { proc, endpoint, output() }
let web;
let context;
let page;
let userDataDir;
let broken = null;
let shotNo = 0;
let totpSecret;
let lastStep = 0;
const totpUser = uniqueEmail('workshop-totp');
const emailUser = uniqueEmail('workshop-email');
const choosesTotp = uniqueEmail('workshop-chooses-totp');
let clientId;

/** One Cognito call from the test itself (not the page). */
async function cognito(target, body) {
  const res = await fetch(`${sandbox.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const json = await res.json();
  assert.equal(res.status, 200, `${target} answered ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function shot(name) {
  shotNo += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
}

function step(name, fn, timeout = 45_000) {
  it(name, { timeout }, async (t) => {
    if (broken) {
      t.skip(`earlier step failed: ${broken}`);
      return;
    }
    try {
      await fn(t);
    } catch (e) {
      broken = name;
      await shot(`${name.replace(/\W+/g, '-')}-FAILED`).catch(() => {});
      t.diagnostic(`sandbox output:\n${sandbox?.output().slice(-3000)}`);
      throw e;
    }
  });
}

/** Starts `cognate sandbox` in `dir` with no --config: it finds amplify/backend.ts itself. */
async function startProjectSandbox(dir) {
  const proc = spawn(COGNATE_BIN, ['sandbox', '--listen', '127.0.0.1:0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(proc);
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (c) => { out += c; });
  proc.stderr.on('data', (c) => { out += c; });
  const endpoint = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1],
    { timeoutMs: 30_000, what: 'the sandbox to listen' });
  return {
    proc, endpoint, output: () => out,
    waitForOutput: (re, from) => waitFor(() => re.exec(out.slice(from)), { timeoutMs: STEP_TIMEOUT_MS, what: `${re}` }),
  };
}

// Mails already used, by file: the outbox names files by the second, so order cannot tell.
const usedMails = new Set();

/** A mail to `to` with `subject` not used before, once its 6-digit code is in; marks it used. */
async function nextMail(to, subject) {
  const mail = await waitFor(async () => {
    const mails = await listEmails(path.join(project, '.cognate/outbox'), to);
    return mails.find((m) => m.subject === subject && m.code && !usedMails.has(m.file)) ?? null;
  }, { timeoutMs: STEP_TIMEOUT_MS, what: `"${subject}" to ${to}` });
  usedMails.add(mail.file);
  return mail;
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
}

async function createAccount(who) {
  await page.getByRole('tab', { name: 'Create Account' }).click();
  const form = page.locator('form[data-amplify-authenticator-signup]');
  await form.getByLabel('Email', { exact: true }).fill(who);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByLabel('Confirm Password', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Create Account' }).click();
  await page.getByRole('heading', { name: 'We Emailed You' }).waitFor();
}

async function signIn(who) {
  await page.getByRole('tab', { name: 'Sign In' }).click();
  const form = page.locator('form[data-amplify-authenticator-signin]');
  await form.getByLabel('Email', { exact: true }).fill(who);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in', exact: true }).click();
}

before(async () => {
  for (const [what, file] of [['cognate', COGNATE_BIN], ['chromium', CHROMIUM]]) {
    assert.ok(existsSync(file), `${what} not found at ${file}`);
  }
  const vite = path.join(EXAMPLE, 'node_modules/vite/bin/vite.js');
  assert.ok(existsSync(vite), `${vite} is missing: run \`npm ci\` in examples/workshop-app first`);
  await fs.rm(SHOTS, { recursive: true, force: true });
  await fs.mkdir(SHOTS, { recursive: true });
  // The project as a developer has it: a copy of the example (its node_modules linked).
  project = await makeTempDir('cognate-workshop-');
  await fs.cp(EXAMPLE, project, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist|\.cognate)([/\\]|$)|amplify_outputs\.json$/.test(src.slice(EXAMPLE.length)),
  });
  await fs.symlink(path.join(EXAMPLE, 'node_modules'), path.join(project, 'node_modules'));
  sandbox = await startProjectSandbox(project);
  assert.match(sandbox.output(), /config\s+amplify\/backend\.ts \(Amplify Gen 2 project/);
  const outputs = JSON.parse(await fs.readFile(path.join(project, 'amplify_outputs.json'), 'utf8'));
  assert.deepEqual(outputs.auth.mfa_methods, ['TOTP']);
  clientId = outputs.auth.user_pool_client_id;
  await execFileP(process.execPath, [vite, 'build', '--logLevel', 'error'], {
    cwd: project, env: { ...process.env, VITE_COGNATE_ENDPOINT: sandbox.endpoint }, timeout: 120_000,
  });
  web = await startStaticServer(path.join(project, 'dist'));
  userDataDir = await makeTempDir('cognate-chromium-');
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 900, height: 1000 },
    timeout: STEP_TIMEOUT_MS,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
}, { timeout: 180_000 });

after(async () => {
  await context?.close().catch(() => {});
  await web?.close().catch(() => {});
  if (sandbox) {
    sandbox.proc.kill('SIGTERM');
  }
  await removeDir(userDataDir).catch(() => {});
  await removeDir(project).catch(() => {});
});

describe('the workshop app (Gen 2 layout) against the sandbox reading its resource.ts', () => {
  step('Create Account → the email that resource.ts describes → confirm → TOTP set-up', async () => {
    await page.goto(`${web.url}/`);
    await createAccount(totpUser);
    const mail = await nextMail(totpUser, 'Welcome to Our Workshop App');
    assert.equal(mail.body.trim(), `Thanks for signing up! Use this code to verify your account: ${mail.code}`);
    await page.getByLabel('Confirmation Code', { exact: true }).fill(mail.code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Setup TOTP' }).waitFor();
    await shot('setup-totp');
    totpSecret = (await page.locator('[data-amplify-copy] > div').first().innerText()).trim();
    lastStep = stepOf(Date.now());
    await page.locator('input[name="confirmation_code"]').fill(totpAt(totpSecret, lastStep));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${totpUser}` }).waitFor();
    await shot('signed-in-totp');
    await signOut();
  });

  step('an edit of resource.ts (email MFA added) is applied live', async () => {
    const file = path.join(project, 'amplify/auth/resource.ts');
    const text = await fs.readFile(file, 'utf8');
    const edited = text
      .replace('    totp: true,\n', '    totp: true,\n    email: true,\n')
      .replace('  multifactor: {', `  senders: {\n    email: { fromEmail: "${FROM}" },\n  },\n  multifactor: {`);
    assert.notEqual(edited, text);
    const from = sandbox.output().length;
    await fs.writeFile(file, edited);
    await sandbox.waitForOutput(/✓ config applied: multifactor\.email false → true/, from);
  });

  step('a new user chooses "Email Message" at set-up, gives the address, enters the code', async () => {
    await createAccount(emailUser);
    const mail = await nextMail(emailUser, 'Welcome to Our Workshop App');
    await page.getByLabel('Confirmation Code', { exact: true }).fill(mail.code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    // MFA_SETUP offers both: the Authenticator asks which.
    await page.getByText('Email Message').waitFor();
    await shot('choose-mfa');
    await page.getByText('Email Message').click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Setup Email' }).waitFor();
    await shot('setup-email');
    await page.locator('input[name="email"]').fill(emailUser);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const code = await nextMail(emailUser, 'Your sign-in code');
    assert.match(code.from, /security@workshop\.example/, `the code comes from resource.ts's senders.email, not ${code.from}`);
    await page.locator('input[name="confirmation_code"]').fill(code.code);
    await shot('email-code');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${emailUser}` }).waitFor();
    await shot('signed-in-email');
    await signOut();
  });

  step('signing in again asks for a new emailed code', async () => {
    await signIn(emailUser);
    const code = await nextMail(emailUser, 'Your sign-in code');
    await page.locator('input[name="confirmation_code"]').fill(code.code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${emailUser}` }).waitFor();
    await signOut();
  });

  step('a third user chooses "Authenticator App (TOTP)" at set-up', async () => {
    await createAccount(choosesTotp);
    const mail = await nextMail(choosesTotp, 'Welcome to Our Workshop App');
    await page.getByLabel('Confirmation Code', { exact: true }).fill(mail.code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByText('Authenticator App (TOTP)').click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Setup TOTP' }).waitFor();
    const secret = (await page.locator('[data-amplify-copy] > div').first().innerText()).trim();
    await page.locator('input[name="confirmation_code"]').fill(totpAt(secret, stepOf(Date.now())));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${choosesTotp}` }).waitFor();
    await shot('signed-in-chose-totp');
    await signOut();
  });

  step('a user with both factors and no preference is asked to choose, and picks email', async () => {
    // The email user adds TOTP over the API (signed in with an emailed code) and prefers neither.
    const started = await cognito('InitiateAuth', {
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: emailUser, PASSWORD },
    });
    assert.equal(started.ChallengeName, 'EMAIL_OTP');
    const code = await nextMail(emailUser, 'Your sign-in code');
    const { AuthenticationResult: tokens } = await cognito('RespondToAuthChallenge', {
      ClientId: clientId, ChallengeName: 'EMAIL_OTP', Session: started.Session,
      ChallengeResponses: { USERNAME: emailUser, EMAIL_OTP_CODE: code.code },
    });
    const { SecretCode } = await cognito('AssociateSoftwareToken', { AccessToken: tokens.AccessToken });
    await cognito('VerifySoftwareToken', { AccessToken: tokens.AccessToken, UserCode: totpAt(SecretCode, stepOf(Date.now())) });
    await cognito('SetUserMFAPreference', {
      AccessToken: tokens.AccessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
      EmailMfaSettings: { Enabled: true, PreferredMfa: false },
    });
    await signIn(emailUser);
    await page.getByText('Email Message').waitFor();
    await page.getByText('Authenticator App (TOTP)').waitFor();
    await shot('select-mfa-type');
    await page.getByText('Email Message').click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const next = await nextMail(emailUser, 'Your sign-in code');
    await page.locator('input[name="confirmation_code"]').fill(next.code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${emailUser}` }).waitFor();
    await signOut();
  });

  step('the first user still signs in with TOTP', async () => {
    await signIn(totpUser);
    await page.locator('input[name="confirmation_code"]').waitFor();
    const next = Math.max(stepOf(Date.now()), lastStep + 1);
    if (next > stepOf(Date.now()) + 1) {
      throw new Error('no usable TOTP step');
    }
    await page.locator('input[name="confirmation_code"]').fill(totpAt(totpSecret, next));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: `Welcome, ${totpUser}` }).waitFor();
    await shot('signed-in-totp-again');
  });
});
