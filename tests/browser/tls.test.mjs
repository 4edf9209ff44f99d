// Chromium over HTTPS: a `cognate sandbox --tls-cert --tls-key` with a certificate from a CA made
// in the test (tests/api/lib/tls.mjs), its built-in page opened at https://127.0.0.1:PORT/ in
// Debian's Chromium, which is told to accept exactly that server key (its SPKI pin) and nothing
// else: Create account → the emailed code → TOTP set-up with the code computed from the key the
// page shows → signed in. Every request the page makes goes over HTTPS.
//
// Run: cd tests/browser && COGNATE_BIN=/work/main/build/cognate node --test tls.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { makeTempDir, removeDir, startSandbox, uniqueEmail, waitForOnlyEmail } from './lib/cognate.mjs';
import { totpAt, stepOf } from './lib/totp.mjs';
import { makeServerCert, makeTestCa } from '../api/lib/tls.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const PASSWORD = 'Passw0rd!';

describe('the built-in page over HTTPS in Chromium', () => {
  let dir;
  let sandbox;
  let context;
  let userDataDir;
  const urls = [];

  before(async () => {
    dir = await makeTempDir('cognate-tls-browser-');
    await makeTestCa(dir);
    const cert = await makeServerCert(dir, 'server');
    sandbox = await startSandbox({ extraArgs: ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile] });
    assert.match(sandbox.endpoint, /^https:\/\//);
    userDataDir = await makeTempDir('cognate-chromium-');
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--ignore-certificate-errors-spki-list=${cert.spki}`],
      timeout: 15_000,
    });
    context.setDefaultTimeout(15_000);
    context.on('request', (req) => urls.push(req.url()));
  });

  after(async () => {
    await context?.close();
    await sandbox?.stop();
    await removeDir(userDataDir);
    await removeDir(dir);
  });

  it('signs up, confirms, sets up TOTP and is signed in, every request over HTTPS', async () => {
    const page = await context.newPage();
    const email = uniqueEmail('tls-browser');
    await page.goto(`${sandbox.endpoint}/`);
    await page.getByRole('tab', { name: 'Create account' }).click();
    const form = page.locator('#form-sign-up');
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await form.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const mail = await waitForOnlyEmail(sandbox.outbox, email);
    await page.locator('#view-confirm').getByLabel('Confirmation code').fill(mail.code);
    await page.locator('#view-confirm').getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.locator('#view-totp-setup').getByLabel('Code from the app').fill(totpAt(secret, stepOf(Date.now())));
    await page.locator('#view-totp-setup').getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'You’re signed in' }).waitFor();
    const pageUrls = urls.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.ok(pageUrls.length >= 5, pageUrls.join('\n'));
    assert.deepEqual(pageUrls.filter((u) => !u.startsWith('https://127.0.0.1:')), []);
    await page.close();
  });
});
