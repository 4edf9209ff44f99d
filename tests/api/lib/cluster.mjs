// Helpers for the cluster tests: several identical `cognate serve` processes ("nodes") sharing
// one PostgreSQL database. The PostgreSQL server comes from $COGNATE_TEST_POSTGRES_URL (scripts/
// run-tests exports it; for a manual run start one with `scripts/pg-cluster start DIR` and export
// the URL it prints). Each test file gets a fresh database on that server (dropped at the end),
// migrated with `cognate migrate`. The restart test starts a PostgreSQL cluster of its own with
// scripts/pg-cluster (pgCluster() below).
//
// Every wait here is bounded, and every process started here is killed when the test process
// exits (a backstop for the after() hooks).

import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COGNATE_BIN, SEED_CONFIG, cognitoClient, keygen, makeTempDir, removeDir, waitFor } from './cognate.mjs';

const execFileP = promisify(execFile);

export const PSQL = process.env.COGNATE_TEST_PSQL ?? '/usr/bin/psql';
// Debian's python3 has aiosmtpd (python3-aiosmtpd); a python3 earlier on PATH may not.
export const PYTHON = process.env.COGNATE_TEST_PYTHON ?? '/usr/bin/python3';
export const PG_CLUSTER = fileURLToPath(new URL('../../../scripts/pg-cluster', import.meta.url));

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

/**
 * The PostgreSQL server URL the test run provides ($COGNATE_TEST_POSTGRES_URL). Throws a clear
 * error when it is unset, so the cluster tests fail (not skip) without a database.
 */
export function postgresUrl() {
  const url = process.env.COGNATE_TEST_POSTGRES_URL;
  if (!url) {
    throw new Error(
      'COGNATE_TEST_POSTGRES_URL is not set: the cluster tests need a PostgreSQL server. ' +
        'scripts/run-tests exports it; by hand: url=$(scripts/pg-cluster start /tmp/pg) && ' +
        'COGNATE_TEST_POSTGRES_URL=$url node --test cluster_*.test.mjs (in tests/api)',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`COGNATE_TEST_POSTGRES_URL is not a postgresql:// URL: ${url}`);
  }
  return url;
}

/** `url` with its database name replaced by `name`. */
export function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one SQL statement with psql on `url` (bounded); resolves to its stdout. */
export async function psql(url, sql, { timeoutMs = 15_000 } = {}) {
  try {
    const { stdout } = await execFileP(PSQL, [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      timeout: timeoutMs,
    });
    return stdout;
  } catch (e) {
    throw new Error(`psql ${url} -c ${JSON.stringify(sql)} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/**
 * A new empty database on the server of `serverUrl` (default: postgresUrl()). Resolves to
 * { name, url, drop() } (drop() forces other sessions off and removes it; never throws).
 */
export async function createDatabase(tag = 'cluster', serverUrl = postgresUrl()) {
  const name = `${tag}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await psql(serverUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(serverUrl, name),
    async drop() {
      try {
        await psql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch {
        // best effort (the server may be gone already)
      }
    },
  };
}

/** Runs `cognate migrate --database URL` (bounded); resolves to { stdout, stderr }. */
export async function migrate(url) {
  try {
    return await execFileP(COGNATE_BIN, ['migrate', '--database', url], { timeout: 30_000 });
  } catch (e) {
    throw new Error(`cognate migrate --database ${url} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * Runs `cognate ARGS` to completion (bounded), for commands expected to exit (e.g. a serve that
 * refuses to start). Resolves to { code, signal, stdout, stderr }; never rejects on exit status.
 */
export function runCognate(args, { timeoutMs = 15_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(COGNATE_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
    proc.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`cognate ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    proc.on('error', (e) => {
      clearTimeout(timer);
      live.delete(proc);
      reject(e);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(proc);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Starts one `cognate serve` node and resolves once it listens. Options: databaseUrl, keyFile,
 * configFile, smtpUrl or mailDir, cwd, label, extraArgs. Resolves to a handle: { label, pid,
 * endpoint, poolId, clientId, mailDir, client (SDK v3, maxAttempts 1), output(), errorOutput(),
 * logs(), exitInfo() (null while running), alive(), stop() }.
 */
export async function startNode({ databaseUrl, keyFile, configFile = SEED_CONFIG, smtpUrl, mailDir, cwd, label = 'node', extraArgs = [] }) {
  const args = [
    'serve',
    '--config', configFile,
    '--database', databaseUrl,
    '--master-key-file', keyFile,
    ...(smtpUrl ? ['--smtp-url', smtpUrl] : ['--mail-dir', mailDir]),
    '--listen', '127.0.0.1:0',
    '--allow-user-password-auth',
    ...extraArgs,
  ];
  const proc = spawn(COGNATE_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
  proc.stderr.setEncoding('utf8').on('data', (c) => { err += c; });
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(proc);
      resolve(exitInfo);
    });
    proc.on('error', (e) => {
      exitInfo = { code: null, signal: null, error: e.message };
      live.delete(proc);
      resolve(exitInfo);
    });
  });
  const logs = () => `${label} (pid ${proc.pid}): ${COGNATE_BIN} ${args.join(' ')}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  let endpoint;
  try {
    endpoint = await waitFor(() => {
      if (exitInfo) {
        throw new Error(`cognate serve (${label}) exited early (${JSON.stringify(exitInfo)})`);
      }
      return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    }, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, what: `"listening on" from ${label}` });
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n${logs()}`);
  }
  const poolId = /user pool\s+(\S+)/.exec(out)?.[1];
  const clientId = /app client\s+(\S+)/.exec(out)?.[1];
  if (!poolId || !clientId) {
    proc.kill('SIGKILL');
    throw new Error(`cognate serve (${label}) did not print its pool and client ids\n${logs()}`);
  }
  const client = cognitoClient(endpoint);
  return {
    label,
    pid: proc.pid,
    endpoint,
    poolId,
    clientId,
    mailDir,
    client,
    output: () => out,
    errorOutput: () => err,
    logs,
    exitInfo: () => exitInfo,
    /** True while the process runs (no exit seen and signal 0 reaches it). */
    alive() {
      if (exitInfo) {
        return false;
      }
      try {
        process.kill(proc.pid, 0);
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      client.destroy();
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
 * A cluster: a temp folder with a copy of the seed config, one master key shared by all nodes,
 * a shared mail folder (unless smtpUrl), a fresh migrated database (unless databaseUrl is given)
 * and `count` nodes started at the same time on it (so they race to create the pool and client).
 * The nodes share `publicUrl` (--public-url: the load balancer's URL in a real deployment), so
 * they issue tokens with the same `iss` and accept each other's tokens; without it each node's
 * issuer would be its own listening address. Resolves to { dir, db, databaseUrl, mailDir, keyFile, nodes, a, b, poolId, clientId, logs(),
 * stop() }. A node is also usable as the `server` argument of the sign_in.mjs helpers.
 */
export const CLUSTER_PUBLIC_URL = 'http://cognate-cluster.test:9339';

export async function startCluster({
  tag = 'cluster', count = 2, smtpUrl, databaseUrl, publicUrl = CLUSTER_PUBLIC_URL, extraArgs = [], config,
} = {}) {
  extraArgs = [...(publicUrl ? ['--public-url', publicUrl] : []), ...extraArgs];
  const dir = await makeTempDir('cognate-cluster-');
  let db = null;
  const nodes = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db?.drop();
    await removeDir(dir);
  };
  try {
    const configFile = path.join(dir, 'auth.json');
    if (config) {
      await fs.writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);  // another auth.json
    } else {
      await fs.copyFile(SEED_CONFIG, configFile);
    }
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const mailDir = smtpUrl ? undefined : path.join(dir, 'mail');
    if (mailDir) {
      await fs.mkdir(mailDir);
    }
    if (!databaseUrl) {
      db = await createDatabase(tag);
      databaseUrl = db.url;
    }
    await migrate(databaseUrl);
    const labels = 'ABCDEFGH';
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) =>
      startNode({ databaseUrl, keyFile, configFile, smtpUrl, mailDir, cwd: dir, label: `node ${labels[i]}`, extraArgs })));
    for (const s of started) {
      if (s.status === 'fulfilled') {
        nodes.push(s.value);
      }
    }
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    return {
      dir,
      db,
      databaseUrl,
      mailDir,
      keyFile,
      configFile,
      nodes,
      a: nodes[0],
      b: nodes[1],
      poolId: nodes[0].poolId,
      clientId: nodes[0].clientId,
      publicUrl,
      logs: () => nodes.map((n) => n.logs()).join('\n'),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// A dedicated PostgreSQL cluster (scripts/pg-cluster)

/** Runs `scripts/pg-cluster CMD DIR` (bounded); resolves to its stdout (trimmed). */
export async function pgCluster(cmd, dir, { timeoutMs = 60_000 } = {}) {
  try {
    const { stdout } = await execFileP(PG_CLUSTER, [cmd, dir], { timeout: timeoutMs });
    return stdout.trim();
  } catch (e) {
    throw new Error(`scripts/pg-cluster ${cmd} ${dir} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// SMTP (aiosmtpd with a Maildir handler)

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts aiosmtpd delivering to Maildir `maildir` on `port`; resolves once it accepts connections. */
export async function startSmtpServer(port, maildir) {
  const proc = spawn(
    PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(proc);
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let exited = null;
  proc.on('exit', (code, signal) => {
    exited = { code, signal };
    live.delete(proc);
  });
  await waitFor(async () => {
    if (exited) {
      throw new Error(`aiosmtpd exited (${JSON.stringify(exited)}):\n${log}`);
    }
    return canConnect(port);
  }, { timeoutMs: 10_000, intervalMs: 100, what: `aiosmtpd on port ${port}` });
  return {
    proc,
    log: () => log,
    async stop() {
      if (exited) {
        return;
      }
      const gone = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Outcomes of concurrent calls

/**
 * Settles `promise` to { ok: true, value } or { ok: false, name, message, status } (status: the
 * HTTP status of an SDK v3 error), never rejecting.
 */
export async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return { ok: false, name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e };
  }
}

/** Counts outcomes by "OK" or "Name: message" (for assertion messages). */
export function tally(outcomes) {
  const counts = {};
  for (const o of outcomes) {
    const key = o.ok ? 'OK' : `${o.name}: ${o.message}${o.status ? ` (HTTP ${o.status})` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
