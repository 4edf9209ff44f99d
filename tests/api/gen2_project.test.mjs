// `cognate sandbox` in an Amplify Gen 2 project, read as it is: the repository's own amplify/ (the
// seed's backend.ts and auth/resource.ts, byte for byte) evaluated with Node and Cognate's stand-in
// for '@aws-amplify/backend'. The seed's mail, amplify_outputs.json, `cognate config compile`
// (what `cognate serve --config` reads) equal to tests/fixtures/seed-auth.json, live edits of
// resource.ts (applied, or refused with the file and key named while the old config serves), and
// what only AWS runs (data, functions, triggers, CDK overrides) reported.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  COGNATE_BIN, GOOD_PASSWORD, SEED_BODY, SEED_SUBJECT, cognitoClient, makeTempDir, removeDir, startSandbox,
  uniqueEmail, waitForEmail,
} from './lib/cognate.mjs';

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED_AMPLIFY = path.join(ROOT, 'amplify');
const SEED_JSON = path.join(ROOT, 'tests/fixtures/seed-auth.json');
const APPLY_TIMEOUT_MS = 5_000;

/** A new project folder holding a copy of the repository's amplify/ (node_modules aside). */
async function seedProject() {
  const dir = await makeTempDir('cognate-gen2-');
  await fs.cp(SEED_AMPLIFY, path.join(dir, 'amplify'), {
    recursive: true, filter: (src) => !src.includes('node_modules'),
  });
  return dir;
}

/** Replaces `file` atomically, as editors that save safely do. */
async function replaceFile(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

const compile = (args, cwd) => execFileP(COGNATE_BIN, ['config', 'compile', ...args], { cwd, timeout: 30_000 })
  .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

describe('the seed Gen 2 project, read by the sandbox', { timeout: 90_000 }, () => {
  let dir;
  let server;
  let client;
  const resource = () => path.join(dir, 'amplify/auth/resource.ts');

  before(async () => {
    dir = await seedProject();
    server = await startSandbox({ dir, config: dir });
    client = cognitoClient(server.endpoint);
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  it('says it reads amplify/backend.ts, and mails what resource.ts says', async () => {
    assert.match(server.output(), /config\s+amplify\/backend\.ts \(Amplify Gen 2 project, read with Node\.js\)/);
    const email = uniqueEmail('gen2');
    await client.send(new SignUpCommand({ ClientId: server.clientId, Username: email, Password: GOOD_PASSWORD }));
    const mail = await waitForEmail(server.outbox, email);
    assert.equal(mail.subject, SEED_SUBJECT);
    assert.equal(mail.body.trim(), SEED_BODY.replace('{####}', mail.code));
  });

  it('writes amplify_outputs.json as ampx would for the seed (without an identity pool)', async () => {
    const outputs = JSON.parse(await fs.readFile(server.outputsFile, 'utf8'));
    assert.deepEqual(outputs, {
      version: '1.5',
      auth: {
        aws_region: 'us-east-1',
        user_pool_id: server.poolId,
        user_pool_client_id: server.clientId,
        username_attributes: ['email'],
        standard_required_attributes: ['email'],
        user_verification_types: ['email'],
        mfa_configuration: 'REQUIRED',
        mfa_methods: ['TOTP'],
        password_policy: {
          min_length: 8, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true,
        },
        groups: [],
      },
    });
  });

  it('applies an edit of resource.ts live, and refuses a bad one naming the file and key', async () => {
    const original = await fs.readFile(resource(), 'utf8');
    let from = server.output().length;
    await replaceFile(resource(), original.replace('Welcome to Our Workshop App', 'Welcome, edited'));
    await server.waitForOutput(/✓ config applied: loginWith\.email\.verificationEmailSubject "Welcome to Our Workshop App" → "Welcome, edited"/,
      { from, timeoutMs: APPLY_TIMEOUT_MS });
    const edited = uniqueEmail('edited');
    await client.send(new SignUpCommand({ ClientId: server.clientId, Username: edited, Password: GOOD_PASSWORD }));
    assert.equal((await waitForEmail(server.outbox, edited)).subject, 'Welcome, edited');

    // A body that forgets the code: refused as ampx refuses it; the edited config keeps serving.
    from = server.output().length;
    await replaceFile(resource(), original.replace('${createCode()}', 'soon'));
    const refused = await server.waitForOutput(/✗ amplify\/backend\.ts not applied, still serving the previous config: (.*)/,
      { from, timeoutMs: APPLY_TIMEOUT_MS });
    assert.match(refused[1], /^amplify\/auth\/resource\.ts: loginWith\.email\.verificationEmailBody: .*\{####\}/);
    // Code that does not even run: reported, the sandbox goes on.
    from = server.output().length;
    await replaceFile(resource(), `${original}\nthis is not TypeScript\n`);
    await server.waitForOutput(/✗ amplify\/backend\.ts not applied, still serving the previous config: amplify\/backend\.ts: /,
      { from, timeoutMs: APPLY_TIMEOUT_MS });
    const still = uniqueEmail('still');
    await client.send(new SignUpCommand({ ClientId: server.clientId, Username: still, Password: GOOD_PASSWORD }));
    assert.equal((await waitForEmail(server.outbox, still)).subject, 'Welcome, edited');

    from = server.output().length;
    await replaceFile(resource(), original);
    await server.waitForOutput(/✓ config applied: loginWith\.email\.verificationEmailSubject "Welcome, edited" → "Welcome to Our Workshop App"/,
      { from, timeoutMs: APPLY_TIMEOUT_MS });
    assert.equal(server.exitInfo(), null, 'the sandbox is still running');
  });
});

describe('the seed project', () => {
  it('is the same in the repository and in the workshop example, file for file', async () => {
    const example = path.join(ROOT, 'examples/workshop-app/amplify');
    for (const file of ['backend.ts', 'auth/resource.ts', 'package.json', 'tsconfig.json']) {
      assert.equal(await fs.readFile(path.join(example, file), 'utf8'),
        await fs.readFile(path.join(SEED_AMPLIFY, file), 'utf8'), file);
    }
  });
});

describe('cognate config compile', () => {
  it('prints the JSON `cognate serve --config` reads: for the seed, tests/fixtures/seed-auth.json', async () => {
    const compiled = await compile([], ROOT);
    assert.equal(compiled.code, 0, compiled.stderr);
    assert.deepEqual(JSON.parse(compiled.stdout), JSON.parse(await fs.readFile(SEED_JSON, 'utf8')));
    assert.equal(compiled.stderr, '');
  });

  it('reports what only AWS runs: warnings where the pool is unaffected, errors where it would differ', async () => {
    const dir = await seedProject();
    try {
      await fs.mkdir(path.join(dir, 'amplify/data'));
      await fs.writeFile(path.join(dir, 'amplify/data/resource.ts'), `
import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
const schema = a.schema({ Todo: a.model({ content: a.string() }).authorization((allow) => [allow.owner()]) });
export type Schema = ClientSchema<typeof schema>;
export const data = defineData({ schema });
`);
      const backend = path.join(dir, 'amplify/backend.ts');
      await fs.writeFile(backend, `
import { defineBackend } from '@aws-amplify/backend';
import { auth } from './auth/resource.js';
import { data } from './data/resource';

const backend = defineBackend({ auth, data });
backend.data.resources.cfnResources.cfnGraphqlApi.xrayEnabled = true;
`);
      const warned = await compile([dir], ROOT);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /warning: amplify\/data\/resource\.ts: defineData\(…\) \(data\) is not run by Cognate/);
      assert.match(warned.stderr, /warning: amplify\/backend\.ts: backend\.data\.resources\.cfnResources\.cfnGraphqlApi\.xrayEnabled = …: CDK changes are not run by Cognate/);
      assert.deepEqual(JSON.parse(warned.stdout), JSON.parse(await fs.readFile(SEED_JSON, 'utf8')));

      // Syntax Node only strips types from: named, with what to do (the project's tsx reads it).
      const dataFile = path.join(dir, 'amplify/data/resource.ts');
      const dataText = await fs.readFile(dataFile, 'utf8');
      await fs.writeFile(dataFile, `${dataText}\nexport enum Level { Low, High }\n`);
      const enumFailed = await compile([dir], ROOT);
      assert.equal(enumFailed.code, 1);
      assert.match(enumFailed.stderr, /amplify\/data\/resource\.ts:\d+.*run `npm install` in the project \(its tsx reads all of TypeScript, as ampx does\)/);
      await fs.writeFile(dataFile, dataText);

      await fs.appendFile(backend, 'backend.auth.resources.cfnResources.cfnUserPool.policies = {};\n');
      const changed = await compile([dir], ROOT);
      assert.equal(changed.code, 1);
      assert.match(changed.stderr, /backend\.auth\.resources\.cfnResources\.cfnUserPool\.policies = …: CDK changes are not run by Cognate; the user pool would differ/);

      await fs.writeFile(backend, `
import { defineBackend, defineFunction } from '@aws-amplify/backend';
import { auth } from './auth/resource';
defineBackend({ auth });
`);
      const original = await fs.readFile(path.join(dir, 'amplify/auth/resource.ts'), 'utf8');
      await fs.writeFile(path.join(dir, 'amplify/auth/resource.ts'), original
        .replace('import { defineAuth } from "@aws-amplify/backend";',
          'import { defineAuth, defineFunction } from "@aws-amplify/backend";\nconst preSignUp = defineFunction({ name: "pre" });')
        .replace('  multifactor: {', '  triggers: { preSignUp },\n  multifactor: {'));
      const triggered = await compile([dir], ROOT);
      assert.equal(triggered.code, 1);
      assert.match(triggered.stderr, /amplify\/auth\/resource\.ts: triggers: Lambda triggers are not run by Cognate; the pool would behave differently/);
    } finally {
      await removeDir(dir);
    }
  });

  it('refuses what ampx refuses, naming the file and the key', async () => {
    const dir = await seedProject();
    const file = path.join(dir, 'amplify/auth/resource.ts');
    const original = await fs.readFile(file, 'utf8');
    try {
      for (const [change, message] of [
        [(t) => t.replace('${createCode()}', ''), /^cognate: amplify\/auth\/resource\.ts: loginWith\.email\.verificationEmailBody: .*\{####\}/],
        [(t) => t.replace('totp: true', 'totp: false'), /^cognate: amplify\/auth\/resource\.ts: multifactor: OPTIONAL and REQUIRED need at least one factor/],
        [(t) => t.replace('mode: "REQUIRED"', 'mode: "SOMETIMES"'), /^cognate: amplify\/auth\/resource\.ts: multifactor\.mode: /],
        // §7 of the protocol file: what ampx refuses at synth, each named where it is written.
        // Email MFA without an SES sender.
        [(t) => t.replace('totp: true,', 'totp: true,\n    email: true,'),
          /^cognate: amplify\/auth\/resource\.ts: multifactor\.email: To enable email-based MFA, set `email` property to the Amazon SES email-sending configuration/],
        // Passwordless (email OTP sign-in) with MFA REQUIRED (InvalidPasswordlessConfigError there;
        // passwordless sign-in is not supported here yet).
        [(t) => t.replace('verificationEmailStyle: "CODE",', 'verificationEmailStyle: "CODE",\n      otpLogin: true,'),
          /^cognate: amplify\/auth\/resource\.ts: loginWith\.email\.otpLogin: /],
        // Phone login (with MFA it needs SMS there; no phone here).
        [(t) => t.replace('  loginWith: {', '  loginWith: {\n    phone: true,'), /^cognate: amplify\/auth\/resource\.ts: loginWith\.phone: /],
        // Passkeys.
        [(t) => t.replace('  loginWith: {', '  loginWith: {\n    webAuthn: true,'), /^cognate: amplify\/auth\/resource\.ts: loginWith\.webAuthn: /],
        // preferredChallenge naming a factor that is not on.
        [(t) => t.replace('  multifactor: {', '  passwordlessOptions: { preferredChallenge: "EMAIL_OTP" },\n  multifactor: {'),
          /^cognate: amplify\/auth\/resource\.ts: passwordlessOptions: unknown key/],
        // No login method at all.
        [(t) => t.replace(/loginWith: \{[\s\S]*?\n  \},\n/, 'loginWith: {},\n'), /^cognate: amplify\/auth\/resource\.ts: loginWith\.email: /],
        // SMS MFA.
        [(t) => t.replace('totp: true,', 'totp: true,\n    sms: true,'), /^cognate: amplify\/auth\/resource\.ts: multifactor\.sms: SMS MFA is not supported yet/],
        // A secret() where a value goes (resolved from SSM at deploy time there).
        [(t) => t.replace('import { defineAuth } from "@aws-amplify/backend";', 'import { defineAuth, secret } from "@aws-amplify/backend";')
          .replace('  multifactor: {', '  senders: { email: { fromEmail: secret("FROM") as unknown as string } },\n  multifactor: {'),
          /^cognate: amplify\/auth\/resource\.ts: senders\.email\.fromEmail: secret\('FROM'\) is not supported by Cognate/],
        // A template function that returns nothing.
        [(t) => t.replace('verificationEmailBody: (createCode) =>\n', 'verificationEmailBody: (createCode) => void\n'),
          /^cognate: amplify\/auth\/resource\.ts: loginWith\.email\.verificationEmailBody: the function returned nothing, not text/],
        // defineAuth twice.
        [(t) => `${t}\nexport const again = defineAuth({ loginWith: { email: true } });\n`, /MultipleSingletonResourcesError/],
      ]) {
        await fs.writeFile(file, change(original));
        const refused = await compile([dir], ROOT);
        assert.equal(refused.code, 1, refused.stdout);
        assert.match(refused.stderr, message);
      }
    } finally {
      await removeDir(dir);
    }
  });

  it("uses the project's own tsx when it has one: it reads what Node only strips (an enum)", async () => {
    const dir = await seedProject();
    try {
      await fs.writeFile(path.join(dir, 'amplify/auth/level.ts'), 'export enum Level { Low, High }\nexport const level = Level.High;\n');
      const file = path.join(dir, 'amplify/auth/resource.ts');
      await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('import { defineAuth } from "@aws-amplify/backend";',
        'import { defineAuth } from "@aws-amplify/backend";\nimport { level } from "./level";\nvoid level;'));
      const stripped = await compile([dir], ROOT);
      assert.equal(stripped.code, 1, 'Node alone only strips types');
      assert.match(stripped.stderr, /run `npm install` in the project/);
      // The project's node_modules (here: the test suite's, which has tsx as every Gen 2 project does).
      await fs.symlink(path.join(ROOT, 'tests/api/node_modules'), path.join(dir, 'node_modules'));
      const compiled = await compile([dir], ROOT);
      assert.equal(compiled.code, 0, compiled.stderr);
      assert.deepEqual(JSON.parse(compiled.stdout), JSON.parse(await fs.readFile(SEED_JSON, 'utf8')));
    } finally {
      await removeDir(dir);
    }
  });

  it('reads the answer after whatever the project prints, even a partial line', async () => {
    const dir = await seedProject();
    try {
      const backend = path.join(dir, 'amplify/backend.ts');
      await fs.appendFile(backend, 'console.log("hello from backend.ts");\nprocess.stdout.write("no newline");\n');
      const compiled = await compile([dir], ROOT);
      assert.equal(compiled.code, 0, compiled.stderr);
      assert.deepEqual(JSON.parse(compiled.stdout), JSON.parse(await fs.readFile(SEED_JSON, 'utf8')));
    } finally {
      await removeDir(dir);
    }
  });

  it('names the Node.js it could not run', async () => {
    const refused = await compile(['--node', '/nonexistent/node'], ROOT);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^cognate: cannot run \/nonexistent\/node: No such file or directory \(Cognate reads Amplify Gen 2 projects with Node\.js 22\.18 or later; --node names another binary\)/);
  });

  it('serve refuses project code: it reads the compiled JSON', async () => {
    const { code, stderr } = await execFileP(COGNATE_BIN, ['serve', '--config', path.join(SEED_AMPLIFY, 'backend.ts'),
      '--database', 'sqlite:/nonexistent/x.db', '--master-key-file', '/nonexistent/key'], { timeout: 10_000 })
      .then(() => ({ code: 0 }), (e) => e);
    assert.equal(code, 1);
    assert.match(stderr, /serve reads a JSON config and runs no project code: write it with `cognate config compile > auth\.json`/);
  });
});
