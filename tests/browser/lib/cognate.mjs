// Helpers for the browser tests: start a real `cognate sandbox` on 127.0.0.1 (port 0) in a fresh
// temporary folder and read the emails it writes to its outbox. A trimmed copy of
// tests/api/lib/cognate.mjs (the two test packages do not import each other).
//
// Every wait here is bounded, and every process started here is killed when the test process
// exits, as a backstop for the after() hooks.

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the server binary: $COGNATE_BIN, else build/cognate of this checkout. */
export const COGNATE_BIN = process.env.COGNATE_BIN
  ? path.resolve(process.env.COGNATE_BIN)
  : fileURLToPath(new URL('../../../build/cognate', import.meta.url));

/** The seed config as JSON (tests/fixtures/seed-auth.json: what `cognate config compile` prints for the repository's amplify/). Copied, never edited. */
export const SEED_CONFIG = fileURLToPath(new URL('../../../tests/fixtures/seed-auth.json', import.meta.url));

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

const live = new Set();
/** Registers a child process to be SIGKILLed if the test process exits with it still running. */
export function killOnExit(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
}
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

export async function makeTempDir(prefix = 'cognate-browser-') {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir) {
  if (dir) {
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A unique, lower-case e-mail address for one test. */
export function uniqueEmail(tag = 'user') {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${process.pid}-${rand}@example.com`;
}

/**
 * Starts `cognate sandbox` in a new temp folder (removed by stop()) with a copy of the seed config.
 * Resolves once it printed "listening on http://127.0.0.1:PORT".
 * `extraArgs` (optional) are appended to the command line, e.g. ['--app-name', 'Workshop App'].
 * Returns { endpoint, dir, outbox, outputsFile, outputs, poolId, clientId, output(), stop() }.
 */
export async function startSandbox({ extraArgs = [] } = {}) {
  const dir = await makeTempDir();
  const configFile = path.join(dir, 'auth.json');
  await fs.copyFile(SEED_CONFIG, configFile);
  const dataDir = path.join(dir, 'data');
  const outputsFile = path.join(dir, 'amplify_outputs.json');
  const args = [
    'sandbox',
    '--config', configFile,
    '--dir', dataDir,
    '--listen', '127.0.0.1:0',
    '--outputs', outputsFile,
    ...extraArgs,
  ];
  const proc = spawn(COGNATE_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(proc);
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
      resolve(exitInfo);
    });
    proc.on('error', (e) => {
      exitInfo = { code: null, signal: null, error: e };
      resolve(exitInfo);
    });
  });
  const describe = () =>
    `${COGNATE_BIN} ${args.join(' ')}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  let endpoint;
  try {
    endpoint = await waitFor(
      () => {
        if (exitInfo) {
          throw new Error(`cognate exited early (${JSON.stringify(exitInfo)})`);
        }
        return /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, what: '"listening on" from cognate sandbox' },
    );
  } catch (e) {
    proc.kill('SIGKILL');
    await removeDir(dir);
    throw new Error(`${e.message}\n${describe()}`);
  }
  const outputs = JSON.parse(await fs.readFile(outputsFile, 'utf8'));
  return {
    endpoint,
    dir,
    outbox: path.join(dataDir, 'outbox'),
    outputsFile,
    outputs,
    poolId: outputs.auth.user_pool_id,
    clientId: outputs.auth.user_pool_client_id,
    output: () => out,
    errorOutput: () => err,
    describe,
    /** SIGTERM, then SIGKILL after 5 s; removes the temp folder. */
    async stop() {
      if (!exitInfo) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await removeDir(dir);
      return exitInfo;
    },
  };
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

/** Parses an RFC 5322 message enough for the tests: { to, subject, body, code }. */
export function parseEmail(raw) {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const rawBody = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map();
  for (const line of head.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let body = rawBody;
  if (cte === 'quoted-printable') {
    body = decodeQuotedPrintable(rawBody);
  } else if (cte === 'base64') {
    body = Buffer.from(rawBody, 'base64').toString('utf8');
  }
  return {
    to: headers.get('to') ?? '',
    from: headers.get('from') ?? '',
    subject: headers.get('subject') ?? '',
    body,
    code: /(?<!\d)(\d{6})(?!\d)/.exec(body)?.[1],
  };
}

function addressOf(toHeader) {
  const m = /<([^>]+)>/.exec(toHeader);
  return (m ? m[1] : toHeader).trim().toLowerCase();
}

/** All .eml files to `to` under `dir` (recursively), parsed, each with { file }. */
export async function listEmails(dir, to) {
  let names;
  try {
    names = await fs.readdir(dir, { recursive: true });
  } catch (e) {
    if (e.code === 'ENOENT') {
      return [];
    }
    throw e;
  }
  const emails = [];
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    const file = path.join(dir, name);
    let raw;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch (e) {
      if (e.code === 'ENOENT') {
        continue;
      }
      throw e;
    }
    const email = parseEmail(raw);
    if (addressOf(email.to) === to.toLowerCase()) {
      emails.push({ ...email, file });
    }
  }
  return emails;
}

/** Waits (bounded) for exactly one email to `to` carrying a 6-digit code; resolves to it. */
export async function waitForOnlyEmail(dir, to, { timeoutMs = 10_000 } = {}) {
  return waitFor(
    async () => {
      const emails = await listEmails(dir, to);
      if (emails.length > 1) {
        throw new Error(`expected one email to ${to}, found ${emails.length}`);
      }
      // A file may be seen half-written; wait until the body carries the code.
      return emails.length === 1 && emails[0].code ? emails[0] : null;
    },
    { timeoutMs, intervalMs: 100, what: `an email to ${to} in ${dir}` },
  );
}
