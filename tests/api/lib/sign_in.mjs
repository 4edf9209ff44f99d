// Helpers for the sign-in API tests: RFC 6238 TOTP codes computed with node:crypto, an
// authenticator "device" that never offers the server a code of an already used time step, SDK v3
// shortcuts for sign-up + confirmation and the USER_PASSWORD_AUTH steps, JWT helpers, and a
// `cognate serve` that can be restarted on the same database (to learn the pool id first and then
// serve with an AWS-format --issuer).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AssociateSoftwareTokenCommand,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  COGNATE_BIN,
  GOOD_PASSWORD,
  SEED_CONFIG,
  keygen,
  makeTempDir,
  removeDir,
  sleep,
  waitFor,
  waitForEmail,
} from './cognate.mjs';

// ---------------------------------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, T0 = 0), the parameters Cognito uses.

export const TOTP_STEP_SECONDS = 30;

/** Decodes RFC 4648 base32 (upper or lower case, padding and spaces ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.toUpperCase().replace(/[=\s]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of clean) {
    const i = alphabet.indexOf(c);
    if (i < 0) {
      throw new Error(`not base32: ${JSON.stringify(text)}`);
    }
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The TOTP time step of `ms` (Unix milliseconds). */
export const totpStep = (ms = Date.now()) => Math.floor(ms / 1000 / TOTP_STEP_SECONDS);

/** The 6-digit TOTP code of base32 `secret` for time step `step`. */
export function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** A 6-digit code that is none of the codes of `secret` for the steps around now (so: wrong). */
export function wrongTotp(secret) {
  const now = totpStep();
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(secret, now + d)));
  for (let n = 123456; ; n = (n + 1) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) {
      return code;
    }
  }
}

/**
 * An authenticator app for one secret that remembers the last time step it gave a code for.
 * The server accepts steps t-1..t+1 but each step once, so next() gives the current step's code,
 * or the next step's when the current one was used (the server takes t+1), and waits for the
 * real clock only when t+1 was used too (at most 30 s; the tests avoid needing that).
 */
export class TotpDevice {
  constructor(secret) {
    assert.match(secret, /^[A-Z2-7]+=*$/, 'SecretCode is base32');
    this.secret = secret;
    this.lastStep = -Infinity;
  }

  /** The code for `step` (default: now), without recording it as used. */
  codeAt(step = totpStep()) {
    return totpAt(this.secret, step);
  }

  /** A code of a step not used before, recorded as used. */
  async next() {
    let now = totpStep();
    let step = Math.max(now, this.lastStep + 1);
    while (step > now + 1) {
      const msToNextStep = (now + 1) * TOTP_STEP_SECONDS * 1000 - Date.now() + 50;
      await sleep(Math.max(msToNextStep, 10));
      now = totpStep();
    }
    step = Math.max(now, this.lastStep + 1);
    this.lastStep = step;
    return totpAt(this.secret, step);
  }

  /** The last code given by next() (for replay tests). */
  lastCode() {
    return totpAt(this.secret, this.lastStep);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Awaits `promise`, asserts it rejects with this Cognito error name and message (and HTTP 400). */
export async function rejectsWith(promise, name, message, status = 400) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.name, name, `error name (message: ${error.message})`);
  if (message !== undefined) {
    assert.equal(error.message, message, `message of ${name}`);
  }
  if (status !== undefined && error.$metadata) {
    assert.equal(error.$metadata.httpStatusCode, status, 'HTTP status');
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// SDK v3 shortcuts (the client must come from cognitoClient())

/** Signs `email` up and confirms it with the code from the outbox. Resolves to the UserSub. */
export async function signUpConfirmed(client, server, email, password = GOOD_PASSWORD) {
  const res = await client.send(new SignUpCommand({
    ClientId: server.clientId,
    Username: email,
    Password: password,
    UserAttributes: [{ Name: 'email', Value: email }],
  }));
  const mail = await waitForEmail(server.outbox ?? server.mailDir, email);
  await client.send(new ConfirmSignUpCommand({
    ClientId: server.clientId,
    Username: email,
    ConfirmationCode: mail.code,
  }));
  return res.UserSub;
}

/** InitiateAuth USER_PASSWORD_AUTH. */
export const passwordAuth = (client, server, username, password = GOOD_PASSWORD) =>
  client.send(new InitiateAuthCommand({
    ClientId: server.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: password },
  }));

/** RespondToAuthChallenge SOFTWARE_TOKEN_MFA {USERNAME, code} on the Session of `challenge`. */
export const answerTotp = (client, server, challenge, username, code) =>
  client.send(new RespondToAuthChallengeCommand({
    ClientId: server.clientId,
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: challenge.Session,
    ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
  }));

/**
 * Completes an MFA_SETUP challenge (the answer of InitiateAuth or PASSWORD_VERIFIER) the way
 * Amplify does: AssociateSoftwareToken {Session} → VerifySoftwareToken {Session, UserCode} →
 * RespondToAuthChallenge MFA_SETUP {USERNAME}. Resolves to { associate, verify, result, device }
 * where `result` is the last answer (tokens) and `device` the TotpDevice for the new secret.
 */
export async function completeTotpSetup(client, server, challenge) {
  assert.equal(challenge.ChallengeName, 'MFA_SETUP');
  const associate = await client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session }));
  const device = new TotpDevice(associate.SecretCode);
  const verify = await client.send(new VerifySoftwareTokenCommand({
    Session: associate.Session,
    UserCode: await device.next(),
    FriendlyDeviceName: 'test phone',
  }));
  const result = await client.send(new RespondToAuthChallengeCommand({
    ClientId: server.clientId,
    ChallengeName: 'MFA_SETUP',
    Session: verify.Session,
    ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USERNAME },
  }));
  return { associate, verify, result, device };
}

/**
 * A new confirmed user of an MFA REQUIRED pool who has set up TOTP and is signed in (one
 * TOTP step used). Resolves to { email, sub, device, tokens }.
 */
export async function enrolledUser(client, server, tag = 'enrolled') {
  const email = `${tag}-${process.pid}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const sub = await signUpConfirmed(client, server, email);
  const challenge = await passwordAuth(client, server, email);
  const { result, device } = await completeTotpSetup(client, server, challenge);
  assert.ok(result.AuthenticationResult?.AccessToken, 'MFA_SETUP answered with tokens');
  return { email, sub, device, tokens: result.AuthenticationResult };
}

// ---------------------------------------------------------------------------------------------
// JWT

/** The decoded header and payload of a compact JWS (no verification). */
export function decodeJwt(token) {
  const parts = token.split('.');
  assert.equal(parts.length, 3, 'a JWT has three parts');
  const part = (p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  return { header: part(parts[0]), payload: part(parts[1]) };
}

/**
 * `token` with one claim of its payload changed and the original signature kept (so the
 * payload still decodes but the signature no longer matches).
 */
export function tamperJwt(token, claims = { sub: '00000000-0000-4000-8000-000000000000' }) {
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  return [h, Buffer.from(JSON.stringify({ ...payload, ...claims })).toString('base64url'), s].join('.');
}

/** `token` with one character of its payload part flipped to another base64url character. */
export function flipPayloadChar(token) {
  const [h, p, s] = token.split('.');
  const i = Math.floor(p.length / 2);
  const flipped = p[i] === 'A' ? 'B' : 'A';
  return [h, p.slice(0, i) + flipped + p.slice(i + 1), s].join('.');
}

// ---------------------------------------------------------------------------------------------
// Configs and a restartable `cognate serve`

/** The seed config with multifactor.mode = `mode` (OFF drops `totp`, which OFF does not allow). */
export async function seedConfigWithMode(mode) {
  const config = JSON.parse(await fs.readFile(SEED_CONFIG, 'utf8'));
  config.multifactor = mode === 'OFF' ? { mode } : { ...config.multifactor, mode };
  return config;
}

/** Writes seedConfigWithMode(mode) to `file` (atomically: write + rename). */
export async function writeSeedConfigWithMode(file, mode) {
  const config = await seedConfigWithMode(mode);
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`);
  await fs.rename(tmp, file);
  return config;
}

/**
 * A `cognate serve` home (config, master key, SQLite database, mail folder) in a new temp
 * folder that survives restarts: start(extraArgs) runs serve on it and resolves to
 * { endpoint, poolId, clientId, output(), stop() }; remove() stops it and deletes the folder.
 */
export async function serveHome() {
  const dir = await makeTempDir('cognate-serve-');
  const configFile = path.join(dir, 'auth.json');
  const mailDir = path.join(dir, 'mail');
  await fs.copyFile(SEED_CONFIG, configFile);
  await fs.mkdir(mailDir);
  const keyFile = await keygen(path.join(dir, 'master.key'));
  let current = null;

  async function start(extraArgs = []) {
    const args = [
      'serve',
      '--config', configFile,
      '--database', `sqlite:${path.join(dir, 'cognate.db')}`,
      '--master-key-file', keyFile,
      '--mail-dir', mailDir,
      '--listen', '127.0.0.1:0',
      ...extraArgs,
    ];
    const proc = spawn(COGNATE_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let exitInfo = null;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (c) => {
      out += c;
    });
    proc.stderr.resume();
    const exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        exitInfo = { code, signal };
        resolve(exitInfo);
      });
    });
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    const stop = async () => {
      if (!exitInfo) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    };
    let endpoint;
    try {
      endpoint = await waitFor(() => {
        if (exitInfo) {
          throw new Error(`cognate serve exited early (${JSON.stringify(exitInfo)}):\n${out}`);
        }
        return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      }, { timeoutMs: 15_000, intervalMs: 50, what: 'cognate serve to listen' });
    } catch (e) {
      await stop();
      throw e;
    }
    current = {
      endpoint,
      poolId: /user pool\s+(\S+)/.exec(out)?.[1],
      clientId: /app client\s+(\S+)/.exec(out)?.[1],
      mailDir,
      output: () => out,
      stop,
    };
    return current;
  }

  return {
    dir,
    mailDir,
    start,
    async remove() {
      await current?.stop();
      await removeDir(dir);
    },
  };
}
