// Native TLS against a real `cognate serve --tls-cert --tls-key`, with a CA made in the test
// (lib/tls.mjs; nothing trusted system-wide): the AWS SDK v3 and the AWS CLI sign up, set up TOTP
// and sign in over HTTPS trusting only that CA, and a client that does not trust it is refused;
// only TLS 1.2 and 1.3 with forward-secret AEAD ciphers are spoken (Debian's openssl s_client
// tries older protocols and a CBC suite); SIGHUP swaps the certificate for new connections while
// an open kept-alive connection goes on, and a broken file leaves the previous one in use.
// (Chromium over HTTPS: tests/browser/tls.test.mjs.)

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, makeTempDir, removeDir, startServe, uniqueEmail, waitForEmail } from './lib/cognate.mjs';
import { answerTotp, completeTotpSetup, passwordAuth, signUpConfirmed, totpAt, totpStep } from './lib/sign_in.mjs';
import { OPENSSL, makeServerCert, makeTestCa } from './lib/tls.mjs';

const execFileP = promisify(execFile);
const AWS = process.env.COGNATE_TEST_AWS ?? '/usr/bin/aws';

/** GET `url` with `agent`; resolves to { status, body, reused (a kept-alive socket), serial (the peer certificate's) }. */
function get(url, agent) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, timeout: 10_000 }, (res) => {
      // Read before the end: a kept-alive socket goes back to the agent then.
      const serial = res.socket.getPeerCertificate().serialNumber;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body, reused: req.reusedSocket, serial }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Replaces `to` with `from` atomically (rename), as a deployment tool would. */
async function install(from, to) {
  await fs.copyFile(from, `${to}.new`);
  await fs.rename(`${to}.new`, to);
}

describe('native TLS (cognate serve --tls-cert/--tls-key)', () => {
  let dir;
  let ca;
  let first;
  let server;
  let port;
  const live = {};

  before(async () => {
    dir = await makeTempDir('cognate-tls-');
    ca = await makeTestCa(dir);
    first = await makeServerCert(dir, 'first');
    live.cert = path.join(dir, 'live.pem');
    live.key = path.join(dir, 'live.key');
    await install(first.certFile, live.cert);
    await install(first.keyFile, live.key);
    server = await startServe({
      extraArgs: ['--allow-user-password-auth', '--tls-cert', live.cert, '--tls-key', live.key],
    });
    assert.match(server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    port = new URL(server.endpoint).port;
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  it('the SDK v3 signs up, sets up TOTP and signs in over HTTPS, trusting only the test CA', async () => {
    const client = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: { httpsAgent: new https.Agent({ ca: ca.ca, keepAlive: true }) },
    });
    try {
      const email = uniqueEmail('tls-sdk');
      await signUpConfirmed(client, server, email);
      const { device } = await completeTotpSetup(client, server, await passwordAuth(client, server, email));
      const challenge = await passwordAuth(client, server, email);
      const done = await answerTotp(client, server, challenge, email, await device.next());
      assert.ok(done.AuthenticationResult?.AccessToken);
    } finally {
      client.destroy();
    }
    // Without the CA, the certificate is refused; plain HTTP on the port gets no answer.
    await assert.rejects(get(`${server.endpoint}/health`, new https.Agent()),
      (e) => /certificate/i.test(e.code ?? '') || /certificate/i.test(e.message));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(15_000) }));
  });

  it('the AWS CLI signs up, sets up TOTP and signs in over HTTPS with --ca-bundle', async () => {
    const cli = async (...args) => {
      const { stdout } = await execFileP(AWS, ['cognito-idp', ...args, '--endpoint-url', server.endpoint,
        '--ca-bundle', ca.caFile, '--region', 'us-east-1', '--no-sign-request', '--output', 'json'],
      { timeout: 30_000, env: { ...process.env, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
      return stdout.trim() ? JSON.parse(stdout) : {};
    };
    const email = uniqueEmail('tls-cli');
    const up = await cli('sign-up', '--client-id', server.clientId, '--username', email,
      '--password', GOOD_PASSWORD, '--user-attributes', `Name=email,Value=${email}`);
    assert.equal(up.UserConfirmed, false);
    const mail = await waitForEmail(server.mailDir, email);
    await cli('confirm-sign-up', '--client-id', server.clientId, '--username', email,
      '--confirmation-code', mail.code);
    const setup = await cli('initiate-auth', '--client-id', server.clientId, '--auth-flow',
      'USER_PASSWORD_AUTH', '--auth-parameters', `USERNAME=${email},PASSWORD=${GOOD_PASSWORD}`);
    assert.equal(setup.ChallengeName, 'MFA_SETUP');
    const associated = await cli('associate-software-token', '--session', setup.Session);
    const verified = await cli('verify-software-token', '--session', associated.Session,
      '--user-code', totpAt(associated.SecretCode, totpStep()));
    assert.equal(verified.Status, 'SUCCESS');
    const tokens = await cli('respond-to-auth-challenge', '--client-id', server.clientId,
      '--challenge-name', 'MFA_SETUP', '--session', verified.Session,
      '--challenge-responses', `USERNAME=${setup.ChallengeParameters.USERNAME}`);
    assert.ok(tokens.AuthenticationResult?.AccessToken);
  });

  it('speaks TLS 1.2 and 1.3 only, with forward-secret AEAD ciphers only', async () => {
    const sClient = async (...args) => {
      try {
        const { stdout } = await execFileP('/bin/sh', ['-c',
          `${OPENSSL} s_client -connect 127.0.0.1:${port} -CAfile '${ca.caFile}' ${args.join(' ')} </dev/null 2>&1`],
        { timeout: 20_000 });
        return { ok: true, out: stdout };
      } catch (e) {
        return { ok: false, out: `${e.stdout ?? ''}` };
      }
    };
    // (A shell for the redirections; the test's own values only.)
    // The "New, <protocol>, Cipher is <suite>" line (the session block comes only with a ticket).
    const v13 = await sClient('-tls1_3');
    assert.ok(v13.ok && /New, TLSv1\.3, Cipher is TLS_/.test(v13.out) && /Verify return code: 0 \(ok\)/.test(v13.out), v13.out);
    const v12 = await sClient('-tls1_2');
    assert.ok(v12.ok && /New, TLSv1\.2, Cipher is ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)/.test(v12.out), v12.out);
    for (const weak of [['-tls1_1', "-cipher 'DEFAULT@SECLEVEL=0'"], ['-tls1', "-cipher 'DEFAULT@SECLEVEL=0'"],
      ['-tls1_2', '-cipher ECDHE-ECDSA-AES128-SHA'], ['-tls1_2', '-cipher ECDHE-ECDSA-AES256-SHA384']]) {
      const r = await sClient(...weak);
      // s_client may exit 0 after a refused handshake: the output says what happened.
      assert.match(r.out, /Cipher is \(NONE\)/, `${weak.join(' ')} was accepted:\n${r.out}`);
      assert.match(r.out, /alert (protocol version|handshake failure)/, r.out);
    }
  });

  it('SIGHUP: new connections get the new certificate, an open one goes on, a broken file changes nothing', async () => {
    const kept = new https.Agent({ ca: ca.ca, keepAlive: true, maxSockets: 1 });
    const before = await get(`${server.endpoint}/health`, kept);
    assert.equal(before.status, 200);
    assert.equal(before.serial, first.serial);

    const second = await makeServerCert(dir, 'second');
    await install(second.certFile, live.cert);
    await install(second.keyFile, live.key);
    const from = server.output().length;
    server.proc.kill('SIGHUP');
    await server.waitForOutput(/TLS certificate reloaded/, { from });

    const again = await get(`${server.endpoint}/health`, kept);
    assert.equal(again.status, 200);
    assert.equal(again.reused, true, 'the kept-alive connection was not dropped');
    assert.equal(again.serial, first.serial, 'an open connection keeps its certificate');
    const fresh = await get(`${server.endpoint}/health`, new https.Agent({ ca: ca.ca }));
    assert.equal(fresh.serial, second.serial, 'a new connection gets the new certificate');

    await fs.writeFile(live.cert, 'not a certificate\n');
    const from2 = server.output().length;
    server.proc.kill('SIGHUP');
    await server.waitForOutput(/TLS certificate not reloaded, still serving the previous one/, { from: from2 });
    const still = await get(`${server.endpoint}/health`, new https.Agent({ ca: ca.ca }));
    assert.equal(still.serial, second.serial);
    kept.destroy();
  });
});
