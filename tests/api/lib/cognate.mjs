// Helpers for the API tests: start a real `cognate` process on 127.0.0.1 (port 0) in a fresh
// temporary folder, talk to it with the AWS SDK for JavaScript v3, and read the emails it sends.
//
// Every wait here is bounded. Every process started here is also killed when the test process
// exits, as a backstop for the after() hooks the tests use.

import { spawn, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const execFileP = promisify(execFile);

// SDK v3 warns on every run that its releases from 2027 on need Node 22; not our concern here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Absolute path of the server binary: $COGNATE_BIN, else build/cognate of this checkout. */
export const COGNATE_BIN = process.env.COGNATE_BIN
  ? path.resolve(process.env.COGNATE_BIN)
  : fileURLToPath(new URL('../../../build/cognate', import.meta.url));

/** The seed config as JSON (tests/fixtures/seed-auth.json: what `cognate config compile` prints for the repository's amplify/). Tests copy it; never edit it. */
export const SEED_CONFIG = fileURLToPath(new URL('../../../tests/fixtures/seed-auth.json', import.meta.url));

/** The seed config's email texts, as the tests expect to see them in the emails. */
export const SEED_SUBJECT = 'Welcome to Our Workshop App';
export const SEED_BODY = 'Thanks for signing up! Use this code to verify your account: {####}';

/** A password that satisfies the Gen 2 policy (8+, lower, upper, digit, symbol). */
export const GOOD_PASSWORD = 'Passw0rd!';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

const live = new Set();
function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
// The test runner stops a file's process with SIGTERM (timeouts, Ctrl-C); 'exit' does not run then.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` (sync or async) until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(probe, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/** A new empty folder under the system temp dir. */
export async function makeTempDir(prefix = 'cognate-api-') {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir) {
  if (dir) {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A unique, lower-case e-mail address for one test. */
let serial = 0;
export function uniqueEmail(tag = 'user') {
  serial += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${process.pid}-${serial}-${rand}@example.com`;
}

/**
 * Spawns `cognate <args>` and resolves once it logged "listening on http://127.0.0.1:PORT".
 * Resolves to a handle: { proc, endpoint, output(), errorOutput(), waitForOutput(re), exited,
 * exitInfo() (null while running), kill() }.
 */
async function spawnListening(args, { cwd, label }) {
  const proc = spawn(COGNATE_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    out += chunk;
  });
  proc.stderr.on('data', (chunk) => {
    err += chunk;
  });
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(proc);
      resolve(exitInfo);
    });
    proc.on('error', (e) => {
      exitInfo = { code: null, signal: null, error: e };
      live.delete(proc);
      resolve(exitInfo);
    });
  });

  const describe = () =>
    `${label}: ${COGNATE_BIN} ${args.join(' ')}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  let endpoint;
  try {
    endpoint = await waitFor(
      () => {
        if (exitInfo) {
          throw new Error(`cognate exited early (${JSON.stringify(exitInfo)})`);
        }
        const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(out);
        return m && m[1];
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, what: `"listening on" from ${label}` },
    );
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n${describe()}`);
  }

  return {
    proc,
    endpoint,
    exited,
    exitInfo: () => exitInfo,
    output: () => out,
    errorOutput: () => err,
    /** Resolves with the first match of `re` in stdout (bounded). */
    waitForOutput: (re, { timeoutMs = 5_000, from = 0 } = {}) =>
      waitFor(() => re.exec(out.slice(from)), { timeoutMs, intervalMs: 50, what: `stdout ${re}` }),
    /** SIGTERM, then SIGKILL if it has not exited within 5 s. Resolves with the exit info. */
    async kill() {
      if (exitInfo) {
        return exitInfo;
      }
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}

/**
 * Starts `cognate sandbox` in `dir` (a new temp folder when not given; removed by stop()).
 * The seed config is copied to DIR/auth.json (unless `config` names another file), so live edits
 * never touch the repository.
 *
 * Returns { endpoint, poolId, clientId, dir, dataDir, outbox, configFile, outputsFile, output(),
 *           waitForOutput(re), exited, stop() }.
 */
export async function startSandbox({ dir, config, codeLifetime, extraArgs = [] } = {}) {
  const ownsDir = !dir;
  dir = dir ?? (await makeTempDir());
  const configFile = config ?? path.join(dir, 'auth.json');
  if (!config && !existsSync(configFile)) {
    await fs.copyFile(SEED_CONFIG, configFile);
  }
  const dataDir = path.join(dir, 'data');
  const outputsFile = path.join(dir, 'amplify_outputs.json');
  const args = [
    'sandbox',
    '--config', configFile,
    '--dir', dataDir,
    '--listen', '127.0.0.1:0',
    '--outputs', outputsFile,
    ...(codeLifetime ? ['--code-lifetime', codeLifetime] : []),
    ...extraArgs,
  ];
  let server;
  try {
    server = await spawnListening(args, { cwd: dir, label: 'cognate sandbox' });
  } catch (e) {
    if (ownsDir) {
      await removeDir(dir);
    }
    throw e;
  }
  const outputs = JSON.parse(await fs.readFile(outputsFile, 'utf8'));
  return {
    ...server,
    dir,
    dataDir,
    outbox: path.join(dataDir, 'outbox'),
    configFile,
    outputsFile,
    outputs,
    poolId: outputs.auth.user_pool_id,
    clientId: outputs.auth.user_pool_client_id,
    async stop() {
      const info = await server.kill();
      if (ownsDir) {
        await removeDir(dir);
      }
      return info;
    },
  };
}

/** Runs `cognate keygen --out FILE`. */
export async function keygen(file) {
  await execFileP(COGNATE_BIN, ['keygen', '--out', file], { timeout: 10_000 });
  return file;
}

/** The id cognate gives a master key file: the first 8 hex digits of SHA-256 of the key bytes. */
export async function masterKeyId(file) {
  const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Starts `cognate serve` with a SQLite database and a fresh master key in a new temp folder
 * (removed by stop()). Give `smtpUrl` or `mailDir` (default: DIR/mail).
 *
 * Returns { endpoint, poolId, clientId, dir, mailDir, output(), waitForOutput(re), exited, stop() }.
 */
export async function startServe({ smtpUrl, mailDir, codeLifetime, extraArgs = [] } = {}) {
  const dir = await makeTempDir();
  try {
    const configFile = path.join(dir, 'auth.json');
    await fs.copyFile(SEED_CONFIG, configFile);
    const keyFile = await keygen(path.join(dir, 'master.key'));
    if (!smtpUrl) {
      mailDir = mailDir ?? path.join(dir, 'mail');
      await fs.mkdir(mailDir, { recursive: true });
    }
    const args = [
      'serve',
      '--config', configFile,
      '--database', `sqlite:${path.join(dir, 'cognate.db')}`,
      '--master-key-file', keyFile,
      ...(smtpUrl ? ['--smtp-url', smtpUrl] : ['--mail-dir', mailDir]),
      '--listen', '127.0.0.1:0',
      ...(codeLifetime ? ['--code-lifetime', codeLifetime] : []),
      ...extraArgs,
    ];
    const server = await spawnListening(args, { cwd: dir, label: 'cognate serve' });
    const poolId = /user pool\s+(\S+)/.exec(server.output())?.[1];
    const clientId = /app client\s+(\S+)/.exec(server.output())?.[1];
    if (!poolId || !clientId) {
      await server.kill();
      throw new Error(`cognate serve did not print its pool and client ids:\n${server.output()}`);
    }
    return {
      ...server,
      dir,
      mailDir,
      poolId,
      clientId,
      async stop() {
        const info = await server.kill();
        await removeDir(dir);
        return info;
      },
    };
  } catch (e) {
    await removeDir(dir);
    throw e;
  }
}

/** The access key in an AWS shared-credentials file's [cognate] profile (the sandbox writes one). */
export async function readCredentials(file) {
  const text = await fs.readFile(file, 'utf8');
  const value = (key) => text.match(new RegExp(`^${key} = (.+)$`, 'm'))?.[1];
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
}

/** An SDK v3 client for the server (dummy credentials: the public operations are unsigned). */
export function cognitoClient(endpoint) {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

/**
 * POSTs one Cognito JSON request with fetch. `body` is sent as is when it is a string or Buffer,
 * else JSON-encoded. `target` is the action name (prefixed) or null to send no X-Amz-Target.
 * Resolves to { status, headers, bytes, text, json } (json is null when the body is not JSON).
 */
export async function rawCall(endpoint, target, body, { headers = {}, method = 'POST' } = {}) {
  const h = { 'content-type': 'application/x-amz-json-1.1', ...headers };
  if (target !== null && target !== undefined) {
    h['x-amz-target'] = target.includes('.') ? target : TARGET_PREFIX + target;
  }
  const payload = typeof body === 'string' || Buffer.isBuffer(body) || body === undefined
    ? body
    : JSON.stringify(body);
  const res = await fetch(`${endpoint}/`, {
    method,
    headers: h,
    body: payload,
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, bytes, text, json };
}

// ---------------------------------------------------------------------------------------------
// Emails

/** Decodes a quoted-printable body (RFC 2045 §6.7) to a UTF-8 string. */
export function decodeQuotedPrintable(text) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes RFC 2047 encoded-words (=?charset?Q|B?...?=) in a header value. */
export function decodeEncodedWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset, enc, data) => {
      const buf = enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'utf8');
      return new TextDecoder(charset.toLowerCase()).decode(buf);
    });
}

/**
 * Parses an RFC 5322 message. Returns { raw, headers: Map(lower-case name → [values]),
 * header(name), subject, from, to, date, messageId, body, code } where body is decoded
 * (quoted-printable / base64) and code is the first 6-digit number in the body.
 */
export function parseEmail(raw) {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const rawBody = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map();
  for (const line of head.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  const header = (name) => {
    const v = headers.get(name.toLowerCase());
    return v ? decodeEncodedWords(v[0]) : undefined;
  };
  const cte = (header('content-transfer-encoding') ?? '7bit').toLowerCase();
  let body = rawBody;
  if (cte === 'quoted-printable') {
    body = decodeQuotedPrintable(rawBody);
  } else if (cte === 'base64') {
    body = Buffer.from(rawBody, 'base64').toString('utf8');
  }
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(body)?.[1];
  return {
    raw,
    headers,
    header,
    subject: header('subject'),
    from: header('from'),
    to: header('to'),
    date: header('date'),
    messageId: header('message-id'),
    body,
    code,
  };
}

async function listFilesRecursive(dir) {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') {
      return [];
    }
    throw e;
  }
  const files = [];
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listFilesRecursive(p)));
    } else if (entry.isFile()) {
      files.push(p);
    }
  }
  return files;
}

function addressOf(toHeader) {
  const m = /<([^>]+)>/.exec(toHeader ?? '');
  return (m ? m[1] : toHeader ?? '').trim().toLowerCase();
}

/**
 * All emails to `to` under `dir` (recursively; `ext` filters file names, null for Maildir),
 * oldest first by modification time then name. Each is parseEmail() plus { file, mtimeMs }.
 */
export async function listEmails(dir, to, { ext = '.eml' } = {}) {
  const files = (await listFilesRecursive(dir)).filter((f) => !ext || f.endsWith(ext));
  const emails = [];
  for (const file of files) {
    let raw;
    let st;
    try {
      raw = await fs.readFile(file, 'utf8');
      st = await fs.stat(file);
    } catch (e) {
      if (e.code === 'ENOENT') {
        continue; // moved away between readdir and read
      }
      throw e;
    }
    const email = parseEmail(raw);
    if (!to || addressOf(email.to) === to.toLowerCase()) {
      emails.push({ ...email, file, mtimeMs: st.mtimeMs });
    }
  }
  emails.sort((a, b) => a.mtimeMs - b.mtimeMs || a.file.localeCompare(b.file));
  return emails;
}

/**
 * Waits (bounded) for the one email to `to` under `dir` whose file is not in `seen` (an array of
 * emails or file paths: pass every email to `to` seen so far). File times are too coarse to
 * order emails written in the same few milliseconds, so more than one unseen email is an error.
 */
export async function waitForEmail(dir, to, { seen = [], timeoutMs = 10_000, ext = '.eml' } = {}) {
  const seenFiles = new Set(seen.map((s) => (typeof s === 'string' ? s : s.file)));
  return waitFor(
    async () => {
      const fresh = (await listEmails(dir, to, { ext })).filter((e) => !seenFiles.has(e.file));
      if (fresh.length > 1) {
        throw new Error(`expected one new email to ${to}, found ${fresh.length}: ` +
          fresh.map((e) => e.file).join(', '));
      }
      // A file may be seen half-written; wait until the body carries the code.
      return fresh.length === 1 && fresh[0].code ? fresh[0] : null;
    },
    { timeoutMs, intervalMs: 100, what: `an email to ${to} in ${dir}` },
  );
}
