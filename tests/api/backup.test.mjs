// Back up and restore while serving, on SQLite (`cognate backup` / `cognate restore`) and on
// PostgreSQL (pg_dump / pg_restore, as docs/deployment.md says): users sign up and set up TOTP
// in a load that runs while the backup is taken; the backup is restored into a fresh database,
// a fresh server starts on it with the same master key, and every user whose enrolment was
// acknowledged before the backup began signs in with password + TOTP. The commands refuse to
// overwrite and say why; the backup names the master key it needs.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { keygen, masterKeyId, makeTempDir, removeDir, waitFor } from './lib/cognate.mjs';
import { answerTotp, enrolledUser, passwordAuth } from './lib/sign_in.mjs';
import { createDatabase, migrate, postgresUrl, runCognate, startNode } from './lib/cluster.mjs';

const execFileP = promisify(execFile);
const WORKERS = 4;
const PG_BIN = '/usr/bin';  // Debian's pg_wrapper: pg_dump and pg_restore of the cluster's version

/**
 * Runs a sign-up + TOTP load on `node`, calls `takeBackup()` once some users are enrolled, goes
 * on a little, and resolves to the users acknowledged before the backup began.
 */
async function backupUnderLoad(node, takeBackup) {
  const acknowledged = [];
  const failures = [];
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      try {
        const u = await enrolledUser(node.client, node, `backup-${w}-${i}`);
        acknowledged.push({ ...u, at: Date.now() });
      } catch (e) {
        failures.push(`${e.name}: ${e.message}`);
        return;
      }
    }
  };
  const load = Array.from({ length: WORKERS }, (_, w) => worker(w));
  try {
    await waitFor(() => acknowledged.length >= 8 || failures.length > 0, { timeoutMs: 30_000, what: 'users before the backup' });
    const began = Date.now();
    const result = await takeBackup();
    const count = acknowledged.length;
    await waitFor(() => acknowledged.length >= count + 2 || failures.length > 0, { timeoutMs: 30_000, what: 'users after the backup' });
    return { before: acknowledged.filter((u) => u.at < began), all: acknowledged, result };
  } finally {
    stop = true;
    await Promise.all(load);
    assert.deepEqual(failures, [], 'the load ran without a failure while the backup was taken');
  }
}

/** Every user signs in with password + TOTP on `node`. */
async function everyoneSignsIn(node, users) {
  await Promise.all(users.map(async (u) => {
    const c = await passwordAuth(node.client, node, u.email);
    assert.equal(c.ChallengeName, 'SOFTWARE_TOKEN_MFA', u.email);
    const done = await answerTotp(node.client, node, c, u.email, await u.device.next());
    assert.ok(done.AuthenticationResult?.AccessToken, `${u.email} signs in`);
  }));
}

describe('backup and restore while serving', () => {
  const cleanups = [];
  after(async () => {
    for (const c of cleanups.reverse()) {
      await c();
    }
  });

  it('SQLite: cognate backup during a sign-up load, cognate restore, every user signs in', async (t) => {
    const dir = await makeTempDir('cognate-backup-');
    cleanups.push(() => removeDir(dir));
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const db = path.join(dir, 'cognate.db');
    const copy = path.join(dir, 'copy.db');
    const restored = path.join(dir, 'restored.db');
    const node = await startNode({ databaseUrl: `sqlite:${db}`, keyFile, mailDir: path.join(dir, 'mail'), cwd: dir, label: 'live', extraArgs: ['--rate-limit', 'off'] });
    cleanups.push(() => node.stop());

    const { before, all, result } = await backupUnderLoad(node, () =>
      runCognate(['backup', '--database', `sqlite:${db}`, '--out', copy], { timeoutMs: 60_000 }));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^backed up ${db} to ${copy}: \\d+ users in 1 pool\\(s\\), [\\d.]+ MB, checked, in [\\d.]+ s$`, 'm'));
    assert.match(result.stdout, new RegExp(`sealed with master key ${await masterKeyId(keyFile)}: without that key the copy is useless`));
    await node.stop();

    const again = await runCognate(['backup', '--database', `sqlite:${db}`, '--out', copy]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already: name a new file \(nothing was written\)/);
    const pg = await runCognate(['backup', '--database', 'postgresql://x@127.0.0.1/db', '--out', path.join(dir, 'x')]);
    assert.equal(pg.code, 2);
    assert.match(pg.stderr, /for PostgreSQL use pg_dump and pg_restore/);

    const restore = await runCognate(['restore', '--from', copy, '--database', `sqlite:${restored}`], { timeoutMs: 60_000 });
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /^restored .* users in 1 pool\(s\)/m);
    const fresh = await startNode({ databaseUrl: `sqlite:${restored}`, keyFile, mailDir: path.join(dir, 'mail2'), cwd: dir, label: 'restored', extraArgs: ['--rate-limit', 'off'] });
    cleanups.push(() => fresh.stop());
    assert.equal(fresh.poolId, node.poolId);
    await everyoneSignsIn(fresh, before);
    t.diagnostic(`${before.length} users acknowledged before the backup signed in on the restored copy (${all.length} made in all)`);
  });

  it('PostgreSQL: pg_dump during a sign-up load, pg_restore into a new database, every user signs in', async (t) => {
    const dir = await makeTempDir('cognate-backup-pg-');
    cleanups.push(() => removeDir(dir));
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const live = await createDatabase('backup', postgresUrl());
    cleanups.push(() => live.drop());
    await migrate(live.url);
    const node = await startNode({ databaseUrl: live.url, keyFile, mailDir: path.join(dir, 'mail'), cwd: dir, label: 'live', extraArgs: ['--rate-limit', 'off'] });
    cleanups.push(() => node.stop());
    const dump = path.join(dir, 'cognate.dump');

    // The commands of docs/deployment.md ("Back up and restore").
    const { before, all } = await backupUnderLoad(node, () =>
      execFileP(`${PG_BIN}/pg_dump`, ['--format=custom', '--file', dump, live.url], { timeout: 60_000 }));
    await node.stop();
    const target = await createDatabase('restored', postgresUrl());
    cleanups.push(() => target.drop());
    await execFileP(`${PG_BIN}/pg_restore`, ['--no-owner', '--exit-on-error', '--dbname', target.url, dump], { timeout: 60_000 });

    const fresh = await startNode({ databaseUrl: target.url, keyFile, mailDir: path.join(dir, 'mail2'), cwd: dir, label: 'restored', extraArgs: ['--rate-limit', 'off'] });
    cleanups.push(() => fresh.stop());
    assert.equal(fresh.poolId, node.poolId);
    await everyoneSignsIn(fresh, before);
    t.diagnostic(`${before.length} users acknowledged before pg_dump began signed in on the restored database (${all.length} made in all)`);
  });
});
