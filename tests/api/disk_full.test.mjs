// Disk full: `cognate serve` with its SQLite database on a small tmpfs that a filler file fills
// up while a stream of sign-ups runs. While the disk is full, writes that need more space fail
// at once with HTTP 500 InternalErrorException (the SDKs retry those) — a commit that fits in
// the space the WAL file already has may still succeed, and must then be durable like any other;
// the log says why (the database file, "database or disk is full", and one line when writes fail
// for lack of space and one when they succeed again); the server stays up and reads go on
// (GetUser with an access token, /health); a confirmation refused meanwhile works later with the
// same code. When the filler is deleted, sign-ups work again at once, without a restart. Nothing
// is corrupted or half-written: `PRAGMA integrity_check` says ok, every sign-up answered 200
// (before, during or after) is in the database and gets its email, and every sign-up refused
// while the disk was full left nothing behind (signing the same address up again succeeds).
//
// Needs root (mount -t tmpfs); skipped with a message when mounting is not permitted.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfirmSignUpCommand, GetUserCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GOOD_PASSWORD, SEED_CONFIG, keygen, listEmails, makeTempDir, removeDir, sleep, waitFor } from './lib/cognate.mjs';
import { enrolledUser } from './lib/sign_in.mjs';
import { outcome, startNode, tally } from './lib/cluster.mjs';

const execFileP = promisify(execFile);

const TMPFS_SIZE = '8m';
const WORKERS = 6;        // sign-up streams running through every phase
const FULL_MS = 1_500;    // how long the disk stays full
const AFTER_MS = 1_000;   // how long the stream runs once space is back

/** Runs one SQL text on a SQLite file (read-only) with sqlite3, else Debian's python3; resolves to its output. */
async function sqliteQuery(file, sql) {
  if (existsSync('/usr/bin/sqlite3')) {
    const { stdout } = await execFileP('/usr/bin/sqlite3', ['-readonly', file, sql], { timeout: 30_000 });
    return stdout.trim();
  }
  const script = 'import sqlite3, sys\n' +
    'c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)\n' +
    'print("\\n".join("|".join(str(v) for v in row) for row in c.execute(sys.argv[2])))\n';
  const { stdout } = await execFileP('/usr/bin/python3', ['-c', script, file, sql], { timeout: 30_000 });
  return stdout.trim();
}

/** Writes zeros to `file` until the file system says ENOSPC; resolves to the bytes written. */
async function fillUp(file) {
  const handle = await fs.open(file, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          const { bytesWritten } = await handle.write(chunk);
          written += bytesWritten;
          if (bytesWritten < size) {
            break;
          }
        } catch (e) {
          if (e.code !== 'ENOSPC') {
            throw e;
          }
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return written;
}

describe('disk full: SQLite on a small tmpfs', { timeout: 60_000 }, () => {
  let dir;
  let mnt;
  let mounted = false;
  let mountError = null;
  let node;

  before(async () => {
    dir = await makeTempDir('cognate-diskfull-');
    mnt = path.join(dir, 'db');
    await fs.mkdir(mnt);
    try {
      await execFileP('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', mnt], { timeout: 10_000 });
      mounted = true;
    } catch (e) {
      mountError = `${e.message.trim()} ${e.stderr ?? ''}`.trim();
    }
  });

  after(async () => {
    await node?.stop();
    if (mounted) {
      await execFileP('umount', [mnt], { timeout: 10_000 }).catch(async () => {
        await sleep(500);
        await execFileP('umount', ['-l', mnt], { timeout: 10_000 }).catch(() => {});
      });
    }
    await removeDir(dir);
  });

  it('refuses writes with InternalErrorException and says why, keeps serving reads, resumes by itself, corrupts nothing', async (t) => {
    if (!mounted) {
      t.skip(`cannot mount a tmpfs here (needs root): ${mountError}`);
      return;
    }
    const configFile = path.join(dir, 'auth.json');
    await fs.copyFile(SEED_CONFIG, configFile);
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const mailDir = path.join(dir, 'mail'); // not on the small disk: the database is the subject
    await fs.mkdir(mailDir);
    const dbFile = path.join(mnt, 'cognate.db');
    const filler = path.join(mnt, 'filler');
    const start = () => startNode({
      databaseUrl: `sqlite:${dbFile}`, keyFile, configFile, mailDir, cwd: dir, label: 'disk-full',
      extraArgs: ['--rate-limit', 'off'],
    });
    node = await start();
    const pid = node.pid;
    const signUp = (client, email) => client.send(new SignUpCommand({
      ClientId: node.clientId, Username: email, Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }],
    }));
    const confirm = (email, code) => node.client.send(new ConfirmSignUpCommand({
      ClientId: node.clientId, Username: email, ConfirmationCode: code,
    }));
    /** Address → code of every email in the mail folder (one scan). */
    const mailedCodes = async () => new Map((await listEmails(mailDir)).map((m) => [(/<([^>]+)>/.exec(m.to)?.[1] ?? m.to).toLowerCase(), m.code]));
    const health = async () => (await fetch(`${node.endpoint}/health`, { signal: AbortSignal.timeout(5_000) })).status;

    // A signed-in user (TOTP enrolled), for the reads.
    const reader = await enrolledUser(node.client, node, 'diskfull-reader');

    // The stream: WORKERS workers signing up one new address after another, every answer
    // recorded with the phase in which its request started and the time it took.
    let phase = 'before';
    let stop = false;
    const calls = [];
    let serial = 0;
    const stream = Array.from({ length: WORKERS }, async (_, w) => {
      while (!stop) {
        serial += 1;
        const email = `diskfull-${process.pid}-${w}-${serial}@example.com`;
        const startedIn = phase;
        const at = Date.now();
        const o = await outcome(signUp(node.client, email));
        calls.push({ email, startedIn, endedIn: phase, ms: Date.now() - at, ...o });
        await sleep(o.ok ? 5 : 20);
      }
    });
    const inPhase = (p) => calls.filter((c) => c.startedIn === p && c.endedIn === p);
    const failureSummary = () => JSON.stringify(Object.fromEntries(['before', 'filling', 'full', 'freeing', 'after']
      .map((p) => [p, tally(calls.filter((c) => c.startedIn === p))])));

    let fullAt = 0;
    let freedAt = 0;
    try {
      await sleep(500);
      assert.ok(inPhase('before').length > 0 && inPhase('before').every((c) => c.ok), `sign-ups work before: ${failureSummary()}`);

      // Three users signed up before, to confirm while the disk is full (their codes must survive).
      const pending = inPhase('before').slice(0, 3).map((c) => c.email);
      const codes = await waitFor(async () => {
        const m = await mailedCodes();
        return pending.every((e) => m.has(e)) && pending.map((e) => m.get(e));
      }, { timeoutMs: 10_000, what: 'the sign-up emails of three users' });

      // Fill the disk under the stream.
      phase = 'filling';
      const logFrom = node.output().length + node.errorOutput().length;
      const filled = await fillUp(filler);
      const fs0 = await fs.statfs(mnt);
      phase = 'full';
      fullAt = Date.now();
      t.diagnostic(`filler ${filled} bytes; free blocks on the tmpfs: ${fs0.bavail} of ${fs0.blocks}`);
      // Commits may go on for a while in space the WAL file already has (after a checkpoint
      // restarted it); once that is used up, every write is refused.
      await waitFor(() => {
        const full = inPhase('full');
        return full.length >= 2 * WORKERS && full.slice(-2 * WORKERS).every((c) => !c.ok);
      }, { timeoutMs: 15_000, intervalMs: 50, what: `writes to be refused: ${failureSummary()}` });
      await sleep(FULL_MS);

      // While full: writes are refused, fast, with HTTP 500 InternalErrorException (or succeed,
      // when they fit in the WAL's existing space); the log says why; the process is up; reads and
      // /health work.
      const full = inPhase('full');
      const refusedWhileFull = full.filter((c) => !c.ok);
      assert.ok(refusedWhileFull.length >= WORKERS, `sign-ups were refused while the disk was full: ${failureSummary()}`);
      assert.deepEqual(refusedWhileFull.filter((c) => `${c.name} ${c.status}` !== 'InternalErrorException 500'), [],
        `a sign-up refused while the disk is full: HTTP 500 InternalErrorException\n${failureSummary()}`);
      // The last answers of the phase are all refusals: the disk is really full by then.
      const lastOnes = full.slice(-2 * WORKERS);
      assert.ok(lastOnes.every((c) => !c.ok), `the disk is full at the end of the phase: ${failureSummary()}`);
      const slowest = Math.max(...full.map((c) => c.ms));
      assert.ok(slowest < 2_000, `refusals are fast (slowest ${slowest} ms)`);
      const log = (node.output() + node.errorOutput()).slice(logFrom);
      const why = log.split('\n').filter((l) => /disk is full|disk full|no space/i.test(l));
      assert.ok(why.length > 0, `a log line says the disk is full:\n${log.split('\n').slice(-20).join('\n')}`);
      assert.match(log, /database \S+cognate\.db: the disk is full: writes fail/, 'one line names the database and says what fails');
      assert.doesNotMatch(log, /cannot rollback/, 'no misleading ROLLBACK error after a COMMIT that SQLite rolled back itself');
      t.diagnostic(`log while full (${why.length} lines about it), e.g.: ${why.at(-1)}`);
      // A confirmation while full fails like any write (or fits in the WAL's space and succeeds).
      const confirmsWhileFull = await Promise.all(pending.map((e, i) => outcome(confirm(e, codes[i]))));
      assert.deepEqual(confirmsWhileFull.filter((o) => !o.ok && `${o.name} ${o.status}` !== 'InternalErrorException 500'), [],
        'ConfirmSignUp while the disk is full: done, or HTTP 500 InternalErrorException');
      assert.ok(node.alive(), `the server is up:\n${node.logs()}`);
      assert.equal(await health(), 200, '/health answers');
      const me = await node.client.send(new GetUserCommand({ AccessToken: reader.tokens.AccessToken }));
      assert.equal(me.UserAttributes.find((a) => a.Name === 'email')?.Value, reader.email, 'GetUser (a read) works');

      // Space returns: sign-ups work again at once, on the same process.
      phase = 'freeing';
      await fs.rm(filler);
      phase = 'after';
      freedAt = Date.now();
      const first = await outcome(signUp(node.client, `diskfull-${process.pid}-first-after@example.com`));
      assert.ok(first.ok, `the first sign-up after the space returned: ${first.name}: ${first.message}`);
      calls.push({ email: `diskfull-${process.pid}-first-after@example.com`, startedIn: 'after', endedIn: 'after', ms: 0, ...first });
      // A confirmation refused while full works now with the same code (the code was not spent).
      for (const [i, e] of pending.entries()) {
        if (!confirmsWhileFull[i].ok) {
          await confirm(e, codes[i]);
        }
      }
      t.diagnostic(`confirmations while full: ${JSON.stringify(tally(confirmsWhileFull))}; each refused one done afterwards with its code`);
      await waitFor(() => /writes succeed again/.test(node.output().slice(logFrom)), { timeoutMs: 2_000, what: 'the log to say writes succeed again' });
      await sleep(AFTER_MS);
    } finally {
      stop = true;
      await Promise.all(stream);
    }
    const afterCalls = inPhase('after');
    assert.ok(afterCalls.length >= WORKERS && afterCalls.every((c) => c.ok),
      `every sign-up after the space returned succeeds: ${failureSummary()}`);
    assert.equal(node.pid, pid, 'same process');
    assert.ok(node.alive(), 'still up');

    // Nothing half-written: each refused address signs up now; each acknowledged one is taken.
    const refused = calls.filter((c) => !c.ok);
    const acked = calls.filter((c) => c.ok);
    assert.ok(refused.every((c) => c.name === 'InternalErrorException' && c.status === 500),
      `refusals are HTTP 500 InternalErrorException only: ${failureSummary()}`);
    const retried = await Promise.all(refused.map((c) => outcome(signUp(node.client, c.email))));
    assert.deepEqual(tally(retried), { OK: refused.length }, 'every refused sign-up left nothing behind: signing up again works');

    // Every acknowledged sign-up's email arrives (the outbox waited out the full disk).
    const everyone = [...acked, ...refused].map((c) => c.email);
    let mailed = new Map();
    await waitFor(async () => {
      mailed = await mailedCodes();
      return everyone.every((e) => mailed.has(e));
    }, { timeoutMs: 20_000, intervalMs: 500, what: 'an email for every acknowledged sign-up' }).catch(() => {});
    assert.deepEqual(everyone.filter((e) => !mailed.has(e)), [], 'every acknowledged sign-up got its email');

    // Stop the server; the file is sound and holds every acknowledged user.
    await node.stop();
    const check = await sqliteQuery(dbFile, 'PRAGMA integrity_check');
    assert.equal(check, 'ok', 'PRAGMA integrity_check');
    const emails = new Set((await sqliteQuery(dbFile, 'SELECT email FROM users')).split('\n'));
    const missing = [...acked, ...refused].map((c) => c.email).filter((e) => !emails.has(e));
    assert.deepEqual(missing, [], 'every acknowledged sign-up (and every retried one) is in the database');
    assert.ok(emails.has(reader.email));

    // And it opens again: a restarted server sees them (SignUp again: UsernameExistsException).
    node = await start();
    const again = await Promise.all(acked.slice(0, 20).map((c) => outcome(signUp(node.client, c.email))));
    assert.deepEqual(tally(again), { 'UsernameExistsException: An account with the given email already exists. (HTTP 400)': again.length });
    t.diagnostic(`sign-ups: ${acked.length} acknowledged, ${refused.length} refused while full (all retried fine); ` +
      `phases ${failureSummary()}; full for ${freedAt - fullAt} ms; integrity_check ok; ${emails.size} users in the file`);
  });
});
