// `cognate sandbox` as a developer sees it: amplify_outputs.json, and edits of the config file
// applied live (or refused with a reason while the previous config keeps serving).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD,
  SEED_BODY,
  SEED_SUBJECT,
  cognitoClient,
  startSandbox,
  uniqueEmail,
  waitFor,
  waitForEmail,
} from './lib/cognate.mjs';

// The sandbox polls the config every 300 ms; allow some slack on a busy 2-core machine.
const APPLY_TIMEOUT_MS = 3_000;

/** Replaces `file` atomically (write + rename), as editors that save safely do. */
async function writeConfig(file, config) {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`);
  await fs.rename(tmp, file);
}

async function readJson(file) {
  return JSON.parse(await fs.readFile(file, 'utf8'));
}

describe('sandbox start-up: amplify_outputs.json and console', () => {
  let server;

  before(async () => {
    server = await startSandbox();
  });

  after(async () => {
    await server?.stop();
  });

  it('describes the pool for Amplify (outputs schema 1.5, TOTP MFA required, Gen 2 password policy)', async () => {
    const outputs = await readJson(server.outputsFile);
    assert.match(outputs.auth.user_pool_id, /^us-east-1_[A-Za-z0-9]+$/);
    assert.match(outputs.auth.user_pool_client_id, /^[\w+]{1,128}$/);
    assert.deepEqual(outputs, {
      version: '1.5',
      auth: {
        aws_region: 'us-east-1',
        user_pool_id: outputs.auth.user_pool_id,
        user_pool_client_id: outputs.auth.user_pool_client_id,
        username_attributes: ['email'],
        standard_required_attributes: ['email'],
        user_verification_types: ['email'],
        mfa_configuration: 'REQUIRED',
        mfa_methods: ['TOTP'],
        password_policy: {
          min_length: 8,
          require_lowercase: true,
          require_numbers: true,
          require_symbols: true,
          require_uppercase: true,
        },
        groups: [],
      },
    });
    assert.ok(!('identity_pool_id' in outputs.auth), 'no identity pool');
  });

  it('prints the endpoint, pool id and client id it serves', () => {
    const out = server.output();
    assert.ok(out.includes(server.endpoint), 'endpoint in the banner');
    assert.ok(out.includes(server.poolId), 'pool id in the banner');
    assert.ok(out.includes(server.clientId), 'client id in the banner');
  });

  it('prints each email to the console with its recipient, subject and code', async () => {
    const client = cognitoClient(server.endpoint);
    try {
      const email = uniqueEmail('console');
      const from = server.output().length;
      await client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }));
      const mail = await waitForEmail(server.outbox, email);
      const [printed] = await server.waitForOutput(/email to \S+[^\n]*\n[^\n]*code: \d{6}/, { from });
      assert.ok(printed.includes(email), printed);
      assert.ok(printed.includes(`"${SEED_SUBJECT}"`), printed);
      assert.ok(printed.includes(`code: ${mail.code}`), printed);
    } finally {
      client.destroy();
    }
  });

  it('gives a different pool to a sandbox in another folder', async () => {
    const other = await startSandbox();
    try {
      assert.notEqual(other.poolId, server.poolId);
      assert.notEqual(other.clientId, server.clientId);
    } finally {
      await other.stop();
    }
  });
});

describe('sandbox live config', () => {
  let server;
  let client;
  let config;

  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
    config = await readJson(server.configFile);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  /** Writes `next` and waits for the sandbox's one-line report matching `re` (bounded). */
  async function edit(next, re) {
    const from = server.output().length;
    await writeConfig(server.configFile, next);
    const match = await server.waitForOutput(re, { from, timeoutMs: APPLY_TIMEOUT_MS });
    return match[0];
  }

  async function signUpAndReadEmail() {
    const email = uniqueEmail('live');
    await client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }));
    return waitForEmail(server.outbox, email);
  }

  it('applies a multifactor.mode edit live and rewrites amplify_outputs.json', async () => {
    const poolId = server.poolId;
    config = structuredClone(config);
    config.multifactor.mode = 'OPTIONAL';
    const line = await edit(config, /^.*multifactor\.mode REQUIRED → OPTIONAL.*$/m);
    assert.match(line, /✓ config applied/);
    const outputs = await waitFor(async () => {
      try {
        const o = await readJson(server.outputsFile);
        return o.auth.mfa_configuration === 'OPTIONAL' ? o : null;
      } catch {
        return null; // caught mid-write
      }
    }, { timeoutMs: APPLY_TIMEOUT_MS, what: 'mfa_configuration OPTIONAL in amplify_outputs.json' });
    assert.equal(outputs.auth.user_pool_id, poolId, 'same pool');
    assert.deepEqual(outputs.auth.mfa_methods, ['TOTP']);
  });

  it('applies a verificationEmailSubject edit to the next sign-up email', async () => {
    const before = await signUpAndReadEmail();
    assert.equal(before.subject, SEED_SUBJECT);

    config = structuredClone(config);
    config.loginWith.email.verificationEmailSubject = 'Your Workshop code';
    const line = await edit(config, /^.*verificationEmailSubject.*$/m);
    assert.match(line, /✓ config applied/);
    assert.ok(line.includes('"Your Workshop code"'), line);

    const after = await signUpAndReadEmail();
    assert.equal(after.subject, 'Your Workshop code');
    assert.equal(after.body.replace(/\r?\n$/, ''), SEED_BODY.replace('{####}', after.code));
  });

  it('reports an invalid edit (body without {####}) and keeps serving the previous config', async () => {
    const outputsBefore = await fs.readFile(server.outputsFile, 'utf8');
    const broken = structuredClone(config);
    broken.loginWith.email.verificationEmailSubject = 'Subject of a broken edit';
    broken.loginWith.email.verificationEmailBody = 'Welcome! There is no code placeholder here.';
    const line = await edit(broken, /^.*✗.*$/m);
    assert.match(line, /not applied/);
    assert.match(line, /verificationEmailBody/);
    assert.match(line, /\{####\}/);

    const mail = await signUpAndReadEmail();
    assert.equal(mail.subject, 'Your Workshop code', 'previous subject still in use');
    assert.equal(mail.body.replace(/\r?\n$/, ''), SEED_BODY.replace('{####}', mail.code));
    assert.equal(await fs.readFile(server.outputsFile, 'utf8'), outputsBefore);
  });

  it('reports an edit that is not JSON and keeps serving', async () => {
    const from = server.output().length;
    await fs.writeFile(`${server.configFile}.tmp`, '{ "loginWith": ');
    await fs.rename(`${server.configFile}.tmp`, server.configFile);
    const [line] = await server.waitForOutput(/^.*✗.*$/m, { from, timeoutMs: APPLY_TIMEOUT_MS });
    assert.match(line, /not applied/);
    assert.match(line, /JSON/);
    const mail = await signUpAndReadEmail();
    assert.equal(mail.subject, 'Your Workshop code');
  });

  it('applies the next valid edit after invalid ones', async () => {
    config = structuredClone(config);
    config.loginWith.email.verificationEmailBody = 'Your code is {####}. It is valid for a day.';
    const line = await edit(config, /^.*verificationEmailBody.*$/m);
    assert.match(line, /✓ config applied/);
    const mail = await signUpAndReadEmail();
    assert.equal(mail.subject, 'Your Workshop code');
    assert.equal(mail.body.replace(/\r?\n$/, ''), `Your code is ${mail.code}. It is valid for a day.`);
    assert.equal(server.exitInfo(), null);
  });
});
