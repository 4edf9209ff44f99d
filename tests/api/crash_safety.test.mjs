// Crash safety: `cognate serve` is killed with SIGKILL at random moments while a bounded mixed
// load runs against it (sign-ups, confirmations with the emailed codes, TOTP set-up and TOTP
// sign-ins, refreshes), then restarted on the same database and master key, KILLS times on SQLite
// and KILLS times on PostgreSQL. After every restart:
//
// - every operation answered 200 before the kill is there, checked through public operations
//   only: an acknowledged SignUp's address is taken (SignUp again: UsernameExistsException), an
//   acknowledged confirmation holds (ConfirmSignUp again: "Current status is CONFIRMED"), an
//   acknowledged TOTP enrolment holds (InitiateAuth asks SOFTWARE_TOKEN_MFA), an acknowledged
//   sign-in's refresh token refreshes, an acknowledged refresh's access token passes GetUser, and
//   an acknowledged challenge Session (MFA_SETUP, Associate, Verify, SOFTWARE_TOKEN_MFA) carries on
//   where it stopped;
// - single use holds across the crash: each spent Session is refused ("Invalid session for the
//   user."), each accepted TOTP code (VerifySoftwareToken and SOFTWARE_TOKEN_MFA) is refused
//   (CodeMismatchException) while its time step is still inside the ±1 step window, each used
//   confirmation code is refused;
// - nothing is half-written: an operation in flight at the kill (no answer) either happened in
//   full or not at all — retried, it answers as if it had (UsernameExists, CONFIRMED, a spent
//   Session, a SOFTWARE_TOKEN_MFA challenge whose secret is the one being verified) or it succeeds
//   now; every acknowledged sign-up's email arrives within MAIL_WAIT_MS, also when the kill came
//   while the outbox was sending it, and its code confirms the user, who then completes TOTP
//   set-up and signs in.
//
// Every answer the load gets while the server is up must be the expected one; anything else
// (HTTP 500, an unexpected error, no answer from a live server) fails the test with the story of
// the user concerned. The counts go to the test's diagnostics.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GOOD_PASSWORD, SEED_CONFIG, TARGET_PREFIX, keygen, makeTempDir, parseEmail, removeDir, sleep, waitFor } from './lib/cognate.mjs';
import { totpAt, totpStep } from './lib/sign_in.mjs';
import { createDatabase, migrate, postgresUrl, startNode } from './lib/cluster.mjs';

const KILLS = 20;            // SIGKILLs per store
const WORKERS = 12;          // concurrent users in flight (each runs one journey at a time)
const LOAD_MS = [150, 900];  // how long the load runs before each kill (uniform)
const CHECK_CONCURRENCY = 8; // users checked at once after a restart
const REFRESHES = 3;         // refreshes per journey after its sign-in
// An acknowledged sign-up's email arrives within this (wall clock). A mail claimed by a server
// that is then killed waits one lease (10 s with the file mailer: its 5 s send time and the
// outbox's 5 s margin) before another run sends it; a kill during that second send adds another
// lease. Three leases and the restarts fit.
const MAIL_WAIT_MS = 35_000;
const MAX_FAILURES = 25;     // stop the load early once this many failures are recorded
const RUN_LIMIT_MS = 100_000; // a store's whole run; past it the load stops and the test fails

const between = ([lo, hi]) => lo + Math.floor(Math.random() * (hi - lo + 1));

// ---------------------------------------------------------------------------------------------
// TOTP: a device that never offers a step twice and tells whether a fresh step is available now
// (the server accepts t-1..t+1, each step once per user).

class Device {
  constructor(secret) {
    this.secret = secret;
    this.lastStep = -Infinity;
  }

  /** Whether a step not offered before is inside the window now (no waiting needed). */
  available() {
    return Math.max(totpStep(), this.lastStep + 1) <= totpStep() + 1;
  }

  /** A fresh code (of the current or the next step), recorded as offered: { code, step }. */
  take() {
    const step = Math.max(totpStep(), this.lastStep + 1);
    assert.ok(step <= totpStep() + 1, 'Device.take() called with no step available');
    this.lastStep = step;
    return { code: totpAt(this.secret, step), step };
  }
}

// ---------------------------------------------------------------------------------------------
// Emails: one scanner per mail folder maps each recipient to the codes it received. Files are
// written with write + fsync + rename by the server, so a file with an .eml name is whole; a
// kill may leave a *.tmp behind, which is not an email.

class Mailbox {
  constructor(dir) {
    this.dir = dir;
    this.seen = new Set();
    this.codes = new Map(); // address → [codes, oldest first]
    this.files = 0;
    this.leftoverTmp = 0;
  }

  async scan() {
    let names;
    try {
      names = await fs.readdir(this.dir);
    } catch (e) {
      if (e.code === 'ENOENT') {
        return;
      }
      throw e;
    }
    this.leftoverTmp = names.filter((n) => n.endsWith('.tmp')).length;
    for (const name of names.filter((n) => n.endsWith('.eml') && !this.seen.has(n)).sort()) {
      const mail = parseEmail(await fs.readFile(path.join(this.dir, name), 'utf8'));
      assert.ok(mail.code, `email file ${name} has a code:\n${mail.raw}`);
      this.seen.add(name);
      this.files += 1;
      const to = (/<([^>]+)>/.exec(mail.to)?.[1] ?? mail.to).trim().toLowerCase();
      this.codes.set(to, [...(this.codes.get(to) ?? []), mail.code]);
    }
  }

  /** The last code mailed to `address`, if any. */
  code(address) {
    return this.codes.get(address)?.at(-1);
  }
}

// ---------------------------------------------------------------------------------------------
// One store's crash loop.

const bump = (map, key, n = 1) => {
  map[key] = (map[key] ?? 0) + n;
};

class CrashRun {
  constructor({ label, databaseUrl, dir, keyFile, configFile, mailDir }) {
    Object.assign(this, { label, databaseUrl, dir, keyFile, configFile, mailDir });
    this.mailbox = new Mailbox(mailDir);
    this.node = null;
    this.epoch = 0;      // incremented at every kill
    this.up = false;     // the load may send requests
    this.gate = null;    // { promise, open() } while the load is held
    this.finished = false;
    this.final = false;  // after the last restart: workers settle unknown outcomes and due confirmations, then stop
    this.users = [];
    this.serial = 0;
    this.checks = [];    // acknowledged operations of this epoch, checked after the next restart
    this.inFlight = 0;
    this.stats = {
      load: {}, acked: {}, checkRequests: {}, checks: {}, inflightOutcome: {}, killInFlight: [],
      restartMs: [], loadMs: [], waitingMail: [], mailDelayMax: 0, mailLate: 0, replayInWindow: 0, replayOutOfWindow: 0,
    };
    this.failures = [];
    this.deadline = Date.now() + RUN_LIMIT_MS;
    this.closeGate();
  }

  /** Whether the load must stop: too many failures, or the run's time is up. */
  stopping() {
    if (!this.finished && Date.now() > this.deadline) {
      this.fail(null, `the run took longer than ${RUN_LIMIT_MS} ms`);
      this.finished = true;
    }
    return this.finished;
  }

  // --- the server ------------------------------------------------------------------------------

  async start() {
    const t0 = Date.now();
    this.node = await startNode({
      databaseUrl: this.databaseUrl, keyFile: this.keyFile, configFile: this.configFile,
      mailDir: this.mailDir, cwd: this.dir, label: `${this.label} #${this.epoch}`,
      // One issuer across restarts (without --public-url it is the listening address, whose port
      // changes at every restart, and tokens from before a restart would be another issuer's).
      extraArgs: ['--rate-limit', 'off', '--public-url', 'http://cognate-crash.test:9339'],
    });
    this.stats.restartMs.push(Date.now() - t0);
    this.clientId ??= this.node.clientId;
    assert.equal(this.node.clientId, this.clientId, 'the restarted server serves the same app client');
    this.up = true;
  }

  async kill() {
    this.up = false;
    this.closeGate();
    this.stats.killInFlight.push(this.inFlight);
    this.stats.waitingMail.push(this.users.filter((u) => u.state === 'signedUp' && !this.mailbox.code(u.email)).length);
    process.kill(this.node.pid, 'SIGKILL');
    await waitFor(() => this.node.exitInfo(), { timeoutMs: 5_000, intervalMs: 10, what: `${this.node.label} to die` });
    assert.equal(this.node.exitInfo().signal, 'SIGKILL', `${this.node.label} died of the SIGKILL`);
    this.previousLogs = this.node.logs();
    // Nothing went wrong inside the server while it ran (its start on the crashed database
    // included): every internal error would be a line here.
    const bad = `${this.node.output()}\n${this.node.errorOutput()}`.split('\n')
      .filter((l) => /internal error|malformed|corrupt|panic|abort/i.test(l));
    if (bad.length > 0) {
      this.fail(null, `${this.node.label} logged ${bad.length} internal errors, e.g.:\n    ${bad.slice(0, 5).join('\n    ')}`);
    }
    await this.node.stop(); // frees its SDK client
    this.epoch += 1;
    // Every request sent before the kill has its answer (or its connection error) by now.
    await waitFor(() => this.inFlight === 0, { timeoutMs: 5_000, intervalMs: 10, what: 'requests to the dead server to fail' });
  }

  closeGate() {
    if (!this.gate) {
      let open;
      const promise = new Promise((resolve) => {
        open = resolve;
      });
      this.gate = { promise, open };
    }
  }

  openGate() {
    const g = this.gate;
    this.gate = null;
    g?.open();
  }

  // --- requests --------------------------------------------------------------------------------

  /**
   * POSTs one operation to the current server. Resolves to { status, json, text, epoch } where
   * status 0 means no answer (the connection failed: the server was being killed).
   */
  async call(op, body, purpose = 'load') {
    const node = this.node;
    const epoch = this.epoch;
    const name = op === 'InitiateAuth' || op === 'RespondToAuthChallenge'
      ? `${op} ${body.AuthFlow ?? body.ChallengeName}` : op;
    bump(this.stats[purpose === 'load' ? 'load' : 'checkRequests'], purpose === 'load' ? name : `${name} (${purpose})`);
    this.inFlight += 1;
    let r;
    try {
      const res = await fetch(`${node.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET_PREFIX + op },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON
      }
      r = { status: res.status, json, text, epoch };
    } catch (e) {
      r = { status: 0, json: null, text: `no answer: ${e.cause?.code ?? e.cause?.message ?? e.message}`, epoch };
    } finally {
      this.inFlight -= 1;
    }
    if (r.status === 200 && purpose === 'load') {
      bump(this.stats.acked, name);
    }
    if (r.status === 0 && epoch === this.epoch && this.up) {
      // Not killed: a live server did not answer.
      r.text += ' (the server was not being killed)';
      r.live = true;
    }
    return r;
  }

  /** Whether `r` is the loss of the answer to a kill (the outcome is unknown). */
  killed(r) {
    return r.status === 0 && !r.live;
  }

  fail(u, what, r) {
    const story = u ? `${u.email} (worker ${u.worker}): ${u.log.slice(-14).join(' → ')}` : '';
    this.failures.push(`[${this.label}, after kill ${r?.epoch ?? this.epoch}] ${what}` +
      (r ? `: HTTP ${r.status} ${r.text.slice(0, 240)}` : '') + (story ? `\n    user ${story}` : ''));
    if (this.failures.length >= MAX_FAILURES) {
      this.finished = true;
    }
  }

  note(u, entry) {
    u.log.push(`${entry}@${this.epoch}`);
  }

  ackCheck(kind, u, data) {
    this.checks.push({ kind, u, data, epoch: this.epoch });
  }

  // The operations of the journey, raw.
  signUp(u, purpose) {
    return this.call('SignUp', {
      ClientId: this.clientId, Username: u.email, Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: u.email }],
    }, purpose);
  }

  confirm(u, code, purpose) {
    return this.call('ConfirmSignUp', { ClientId: this.clientId, Username: u.email, ConfirmationCode: code }, purpose);
  }

  initiate(u, purpose) {
    return this.call('InitiateAuth', {
      ClientId: this.clientId, AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: u.email, PASSWORD: GOOD_PASSWORD },
    }, purpose);
  }

  answerTotp(u, session, code, purpose) {
    return this.call('RespondToAuthChallenge', {
      ClientId: this.clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: session,
      ChallengeResponses: { USERNAME: u.email, SOFTWARE_TOKEN_MFA_CODE: code },
    }, purpose);
  }

  finishSetup(u, session, purpose) {
    return this.call('RespondToAuthChallenge', {
      ClientId: this.clientId, ChallengeName: 'MFA_SETUP', Session: session,
      ChallengeResponses: { USERNAME: u.email },
    }, purpose);
  }

  refresh(refreshToken, purpose) {
    return this.call('InitiateAuth', {
      ClientId: this.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
    }, purpose);
  }

  // --- the load: one journey per user, one step at a time ----------------------------------------

  newUser(worker) {
    this.serial += 1;
    const u = {
      worker,
      email: `crash-${this.label.toLowerCase()}-${process.pid}-${this.serial}-${Math.random().toString(36).slice(2, 7)}@example.com`,
      state: 'new',
      unknown: null,    // the step whose answer the kill took: { op, ... }
      session: null,    // { value, epoch } of the challenge Session being continued
      signUpAcked: false,
      confirmed: false, // acknowledged or settled after the kill
      enrolled: 'no',   // 'no' | 'maybe' (a Verify without answer, not settled) | 'yes'
      signedUpAt: 0,    // when SignUp was acknowledged (or found done after a kill)
      signIns: 0,
      refreshes: 0,
      log: [],
    };
    this.users.push(u);
    return u;
  }

  async worker(w) {
    let u = null;
    while (!this.stopping()) {
      if (this.gate) {
        await this.gate.promise;
        continue;
      }
      if (this.final) {
        // Settle what the last kill left unknown, and confirm a sign-up whose email is still
        // due (e.g. stranded by a kill during its sending): its code must work.
        while (u && !this.stopping() && (u.unknown || u.state === 'signedUp')) {
          await this.advance(u);
        }
        return;
      }
      u ??= this.newUser(w);
      await this.advance(u);
      if (u.state === 'done') {
        u = null;
      }
    }
  }

  /** `r` answered a step that continued a Session acknowledged before the last kill: count it. */
  sessionCarriedOver(u, r) {
    if (u.session && u.session.epoch < r.epoch) {
      bump(this.stats.checks, 'acknowledged Session continued after the restart');
    }
  }

  useSession(u, r, op) {
    if (u.session && u.session.epoch < r.epoch) {
      this.fail(u, `${op} on a Session acknowledged before the kill was refused after the restart (lost)`, r);
    } else {
      this.fail(u, `${op} refused`, r);
    }
  }

  async advance(u) {
    if (u.unknown) {
      return this.settle(u);
    }
    switch (u.state) {
      case 'new': {
        const r = await this.signUp(u);
        if (this.killed(r)) {
          u.unknown = { op: 'SignUp' };
        } else if (r.status === 200) {
          this.note(u, 'SignUp');
          u.signUpAcked = true;
          u.signedUpAt = Date.now();
          u.state = 'signedUp';
          this.ackCheck('SignUp', u, {});
        } else {
          this.fail(u, 'SignUp', r);
          u.state = 'done';
        }
        return;
      }
      case 'signedUp': {
        const code = this.mailbox.code(u.email);
        if (!code) {
          if (Date.now() - u.signedUpAt > MAIL_WAIT_MS) {
            this.fail(u, `the email of an acknowledged sign-up did not arrive within ${MAIL_WAIT_MS} ms`);
            u.state = 'done';
            return;
          }
          await sleep(50);
          return;
        }
        const delay = Date.now() - u.signedUpAt;
        this.stats.mailDelayMax = Math.max(this.stats.mailDelayMax, delay);
        this.stats.mailLate += delay > 2_000 ? 1 : 0;
        u.code = code;
        const r = await this.confirm(u, code);
        if (this.killed(r)) {
          u.unknown = { op: 'ConfirmSignUp' };
        } else if (r.status === 200) {
          this.note(u, 'ConfirmSignUp');
          u.confirmed = true;
          u.state = 'confirmed';
          this.ackCheck('ConfirmSignUp', u, { code });
        } else {
          this.fail(u, 'ConfirmSignUp with the emailed code', r);
          u.state = 'done';
        }
        return;
      }
      case 'confirmed': {
        const r = await this.initiate(u);
        if (this.killed(r)) {
          u.unknown = { op: 'InitiateAuth (set-up)' };
        } else if (r.status === 200 && r.json.ChallengeName === 'MFA_SETUP') {
          this.note(u, 'InitiateAuth→MFA_SETUP');
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'setup';
        } else {
          this.fail(u, 'InitiateAuth of a confirmed user without TOTP (expected MFA_SETUP)', r);
          u.state = 'done';
        }
        return;
      }
      case 'setup': {
        const r = await this.call('AssociateSoftwareToken', { Session: u.session.value });
        if (this.killed(r)) {
          u.unknown = { op: 'AssociateSoftwareToken' };
        } else if (r.status === 200) {
          this.note(u, 'Associate');
          this.sessionCarriedOver(u, r);
          u.pending = new Device(r.json.SecretCode);
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'associated';
        } else {
          this.useSession(u, r, 'AssociateSoftwareToken');
          u.state = 'done';
        }
        return;
      }
      case 'associated': {
        const { code, step } = u.pending.take();
        const r = await this.call('VerifySoftwareToken', { Session: u.session.value, UserCode: code });
        if (this.killed(r)) {
          u.unknown = { op: 'VerifySoftwareToken', code, step };
        } else if (r.status === 200 && r.json.Status === 'SUCCESS') {
          this.note(u, 'Verify');
          this.sessionCarriedOver(u, r);
          u.device = u.pending;
          u.enrolled = 'yes';
          this.ackCheck('VerifySoftwareToken', u, { code, step });
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'verified';
        } else {
          this.useSession(u, r, 'VerifySoftwareToken');
          u.state = 'done';
        }
        return;
      }
      case 'verified': {
        const session = u.session.value;
        const r = await this.finishSetup(u, session);
        if (this.killed(r)) {
          u.unknown = { op: 'RespondToAuthChallenge MFA_SETUP', session };
        } else if (r.status === 200 && r.json.AuthenticationResult?.RefreshToken) {
          this.note(u, 'MFA_SETUP→tokens');
          this.sessionCarriedOver(u, r);
          u.session = null;
          u.refreshToken = r.json.AuthenticationResult.RefreshToken;
          this.ackCheck('RespondToAuthChallenge MFA_SETUP', u, { session, refreshToken: u.refreshToken });
          u.state = 'signedIn';
        } else {
          this.useSession(u, r, 'RespondToAuthChallenge MFA_SETUP');
          u.state = 'done';
        }
        return;
      }
      case 'enrolled': {
        if (!u.device.available()) {
          // Both steps of the window are used: carry on with refreshes, or end the journey.
          u.state = u.refreshToken ? 'signedIn' : 'done';
          u.signIns = Infinity;
          return;
        }
        const r = await this.initiate(u);
        if (this.killed(r)) {
          u.unknown = { op: 'InitiateAuth (sign-in)' };
        } else if (r.status === 200 && r.json.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
          this.note(u, 'InitiateAuth→SOFTWARE_TOKEN_MFA');
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'challenged';
        } else {
          this.fail(u, 'InitiateAuth of an enrolled user (expected SOFTWARE_TOKEN_MFA)', r);
          u.state = 'done';
        }
        return;
      }
      case 'challenged': {
        if (!u.device.available()) {
          u.state = u.refreshToken ? 'signedIn' : 'done';
          u.signIns = Infinity;
          return;
        }
        const session = u.session.value;
        const { code, step } = u.device.take();
        const r = await this.answerTotp(u, session, code);
        if (this.killed(r)) {
          u.unknown = { op: 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA', session, code, step };
        } else if (r.status === 200 && r.json.AuthenticationResult?.RefreshToken) {
          this.note(u, 'SOFTWARE_TOKEN_MFA→tokens');
          this.sessionCarriedOver(u, r);
          u.session = null;
          u.signIns += 1;
          u.refreshToken = r.json.AuthenticationResult.RefreshToken;
          this.ackCheck('RespondToAuthChallenge SOFTWARE_TOKEN_MFA', u, { session, code, step, refreshToken: u.refreshToken });
          u.state = 'signedIn';
        } else {
          this.useSession(u, r, 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA with a fresh code');
          u.state = 'done';
        }
        return;
      }
      case 'signedIn': {
        if (u.refreshes >= REFRESHES) {
          // One more TOTP sign-in when a step is free, else the journey ends.
          u.state = u.signIns < 2 && u.device?.available() ? 'enrolled' : 'done';
          u.refreshes = u.state === 'enrolled' ? 0 : u.refreshes;
          return;
        }
        const r = await this.refresh(u.refreshToken);
        if (this.killed(r)) {
          u.unknown = { op: 'REFRESH_TOKEN_AUTH' };
        } else if (r.status === 200 && r.json.AuthenticationResult?.AccessToken) {
          this.note(u, 'refresh');
          u.refreshes += 1;
          this.ackCheck('REFRESH_TOKEN_AUTH', u, { accessToken: r.json.AuthenticationResult.AccessToken });
        } else {
          this.fail(u, 'REFRESH_TOKEN_AUTH with the refresh token of an acknowledged sign-in', r);
          u.state = 'done';
        }
        return;
      }
      default:
        throw new Error(`unknown state ${u.state}`);
    }
  }

  /**
   * The first step of a user after a restart whose previous step lost its answer to the kill:
   * it happened in full or not at all. Retrying (or looking) tells which; both are fine, anything
   * else is half-written.
   */
  async settle(u) {
    const { op } = u.unknown;
    const outcome = (what) => {
      bump(this.stats.inflightOutcome, `${op}: ${what}`);
      this.note(u, `${op}?=${what}`);
      u.unknown = null;
    };
    switch (op) {
      case 'SignUp': {
        const r = await this.signUp(u, 'settle');
        if (this.killed(r)) {
          return;
        }
        if (r.status === 200) {
          outcome('had not happened (retried)');
        } else if (r.json?.__type === 'UsernameExistsException') {
          outcome('had happened');
        } else {
          this.fail(u, 'SignUp retried after a kill', r);
          u.state = 'done';
          u.unknown = null;
          return;
        }
        u.signUpAcked = true;
        u.signedUpAt = Date.now();
        u.state = 'signedUp';
        return;
      }
      case 'ConfirmSignUp': {
        const r = await this.confirm(u, u.code, 'settle');
        if (this.killed(r)) {
          return;
        }
        if (r.status === 200) {
          outcome('had not happened (retried)');
        } else if (r.json?.__type === 'NotAuthorizedException' && /Current status is CONFIRMED/.test(r.json.message)) {
          outcome('had happened');
        } else {
          this.fail(u, 'ConfirmSignUp retried after a kill', r);
          u.state = 'done';
          u.unknown = null;
          return;
        }
        u.confirmed = true;
        u.state = 'confirmed';
        return;
      }
      case 'InitiateAuth (set-up)':
      case 'AssociateSoftwareToken':
        outcome('started again');
        u.state = 'confirmed';
        return;
      case 'VerifySoftwareToken': {
        // Enrolled with the secret being verified (SOFTWARE_TOKEN_MFA) or not at all (MFA_SETUP).
        const r = await this.initiate(u, 'settle');
        if (this.killed(r)) {
          return;
        }
        if (r.status === 200 && r.json.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
          outcome('had happened');
          u.device = u.pending;
          u.enrolled = 'yes';
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'challenged'; // the next step proves the secret is the verified one
        } else if (r.status === 200 && r.json.ChallengeName === 'MFA_SETUP') {
          outcome('had not happened');
          u.session = { value: r.json.Session, epoch: r.epoch };
          u.state = 'setup';
        } else {
          this.fail(u, 'InitiateAuth after a VerifySoftwareToken lost to a kill', r);
          u.enrolled = 'maybe';
          u.state = 'done';
          u.unknown = null;
        }
        return;
      }
      case 'RespondToAuthChallenge MFA_SETUP': {
        const r = await this.finishSetup(u, u.unknown.session, 'settle');
        if (this.killed(r)) {
          return;
        }
        if (r.status === 200 && r.json.AuthenticationResult?.RefreshToken) {
          outcome('had not happened (retried)');
          u.refreshToken = r.json.AuthenticationResult.RefreshToken;
          u.state = 'signedIn';
        } else if (r.json?.__type === 'NotAuthorizedException' && r.json.message === 'Invalid session for the user.') {
          outcome('had happened (Session spent)');
          u.state = 'enrolled';
        } else {
          this.fail(u, 'RespondToAuthChallenge MFA_SETUP retried after a kill', r);
          u.state = 'done';
          u.unknown = null;
        }
        u.session = null;
        return;
      }
      case 'InitiateAuth (sign-in)':
        outcome('started again');
        u.state = 'enrolled';
        return;
      case 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA': {
        // The same Session and code again: spent (it happened) or accepted now (it had not).
        const { session, code, step } = u.unknown;
        const r = await this.answerTotp(u, session, code, 'settle');
        if (this.killed(r)) {
          return;
        }
        if (r.status === 200 && r.json.AuthenticationResult?.RefreshToken) {
          outcome('had not happened (retried)');
          u.signIns += 1;
          u.refreshToken = r.json.AuthenticationResult.RefreshToken;
          u.state = 'signedIn';
        } else if (r.json?.__type === 'NotAuthorizedException' && r.json.message === 'Invalid session for the user.') {
          outcome('had happened (Session spent)');
          u.state = 'enrolled';
        } else if (r.json?.__type === 'CodeMismatchException' && (totpStep() > step + 1 || u.device.lastStep > step)) {
          // The Session is alive, so the answer had not happened; its code is out of the window
          // now, or a later step was accepted meanwhile (a check's fresh answer).
          outcome('had not happened (its code is no longer usable)');
          u.state = 'enrolled';
        } else {
          this.fail(u, 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA retried after a kill', r);
          u.state = 'done';
          u.unknown = null;
        }
        u.session = null;
        return;
      }
      case 'REFRESH_TOKEN_AUTH':
        outcome('nothing to settle');
        return;
      default:
        throw new Error(`unknown step ${op}`);
    }
  }

  // --- checks of what was acknowledged before the kill --------------------------------------------

  expect(u, what, r, ok) {
    if (this.killed(r)) {
      this.fail(u, `check "${what}": no answer`, r);
      return false;
    }
    if (!ok) {
      this.fail(u, `check "${what}"`, r);
      return false;
    }
    bump(this.stats.checks, what);
    return true;
  }

  async check({ kind, u, data }) {
    const isError = (r, type, message) => r.json?.__type === type && (message === undefined || message.test(r.json.message));
    switch (kind) {
      case 'SignUp': {
        const r = await this.signUp(u, 'check');
        this.expect(u, 'acknowledged SignUp present (SignUp again: UsernameExistsException)', r,
          isError(r, 'UsernameExistsException'));
        return;
      }
      case 'ConfirmSignUp': {
        const r = await this.confirm(u, data.code, 'check');
        this.expect(u, 'acknowledged ConfirmSignUp present, its code refused (Current status is CONFIRMED)', r,
          isError(r, 'NotAuthorizedException', /Current status is CONFIRMED/));
        return;
      }
      case 'VerifySoftwareToken': {
        const r = await this.initiate(u, 'check');
        if (!this.expect(u, 'acknowledged TOTP enrolment present (InitiateAuth: SOFTWARE_TOKEN_MFA)', r,
          r.status === 200 && r.json.ChallengeName === 'SOFTWARE_TOKEN_MFA')) {
          return;
        }
        await this.replayTotp(u, r.json.Session, data, 'VerifySoftwareToken');
        return;
      }
      case 'RespondToAuthChallenge MFA_SETUP': {
        const spent = await this.finishSetup(u, data.session, 'check');
        this.expect(u, 'spent Session refused after the restart (MFA_SETUP)', spent,
          isError(spent, 'NotAuthorizedException', /^Invalid session for the user\.$/));
        const r = await this.refresh(data.refreshToken, 'check');
        this.expect(u, 'acknowledged sign-in\'s refresh token present (REFRESH_TOKEN_AUTH)', r,
          r.status === 200 && !!r.json.AuthenticationResult?.AccessToken);
        return;
      }
      case 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA': {
        const spent = await this.answerTotp(u, data.session, data.code, 'check');
        this.expect(u, 'spent Session refused after the restart (SOFTWARE_TOKEN_MFA)', spent,
          isError(spent, 'NotAuthorizedException', /^Invalid session for the user\.$/));
        const r = await this.initiate(u, 'check');
        if (this.expect(u, 'acknowledged TOTP enrolment present (InitiateAuth: SOFTWARE_TOKEN_MFA)', r,
          r.status === 200 && r.json.ChallengeName === 'SOFTWARE_TOKEN_MFA')) {
          await this.replayTotp(u, r.json.Session, data, 'SOFTWARE_TOKEN_MFA');
        }
        const refreshed = await this.refresh(data.refreshToken, 'check');
        this.expect(u, 'acknowledged sign-in\'s refresh token present (REFRESH_TOKEN_AUTH)', refreshed,
          refreshed.status === 200 && !!refreshed.json.AuthenticationResult?.AccessToken);
        return;
      }
      case 'REFRESH_TOKEN_AUTH': {
        const r = await this.call('GetUser', { AccessToken: data.accessToken }, 'check');
        this.expect(u, 'acknowledged refresh\'s access token works (GetUser)', r,
          r.status === 200 && r.json.UserAttributes?.some((a) => a.Name === 'email' && a.Value === u.email));
        return;
      }
      default:
        throw new Error(`unknown check ${kind}`);
    }
  }

  /**
   * Answers `session` (SOFTWARE_TOKEN_MFA) with the code accepted before the kill: refused. Then,
   * when a fresh step is free, answers it right (the wrong code counted toward the lockout; a
   * right one clears the count).
   */
  async replayTotp(u, session, { code, step }, where) {
    const inWindow = totpStep() <= step + 1;
    const r = await this.answerTotp(u, session, code, 'check');
    if (this.expect(u, `accepted TOTP code (${where}) refused after the restart`, r,
      r.json?.__type === 'CodeMismatchException')) {
      this.stats[inWindow ? 'replayInWindow' : 'replayOutOfWindow'] += 1;
    }
    if (u.device.available()) {
      const fresh = u.device.take();
      const ok = await this.answerTotp(u, session, fresh.code, 'check');
      this.expect(u, 'a fresh TOTP code on the same Session signs in', ok,
        ok.status === 200 && !!ok.json.AuthenticationResult?.AccessToken);
    }
  }

  /** Runs the checks queued before the last kill, one user at a time, CHECK_CONCURRENCY users at once. */
  async runChecks() {
    const queued = this.checks;
    this.checks = [];
    const byUser = new Map();
    for (const c of queued) {
      byUser.set(c.u, [...(byUser.get(c.u) ?? []), c]);
    }
    const lists = [...byUser.values()];
    await Promise.all(Array.from({ length: CHECK_CONCURRENCY }, async () => {
      for (let list = lists.shift(); list; list = lists.shift()) {
        for (const c of list) {
          await this.check(c);
        }
      }
    }));
    return queued.length;
  }

  /** After the last restart: every user ever acknowledged is still there, in the state it reached. */
  async finalSweep() {
    const users = [...this.users];
    await Promise.all(Array.from({ length: CHECK_CONCURRENCY }, async () => {
      for (let u = users.shift(); u; u = users.shift()) {
        if (!u.signUpAcked) {
          continue;
        }
        const again = await this.signUp(u, 'check');
        this.expect(u, 'final: every acknowledged sign-up present', again, again.json?.__type === 'UsernameExistsException');
        const r = await this.initiate(u, 'check');
        if (!u.confirmed) {
          // Its confirmation may have been in flight at the last kill and never settled.
          this.expect(u, 'final: an unconfirmed user is unconfirmed (or confirmed by a step in flight)', r,
            r.json?.__type === 'UserNotConfirmedException' || (u.unknown?.op === 'ConfirmSignUp' && r.status === 200));
        } else if (u.enrolled === 'yes') {
          this.expect(u, 'final: every acknowledged TOTP enrolment present', r,
            r.status === 200 && r.json.ChallengeName === 'SOFTWARE_TOKEN_MFA');
        } else {
          this.expect(u, 'final: every confirmed user signs in with the password', r,
            r.status === 200 && ['MFA_SETUP', 'SOFTWARE_TOKEN_MFA'].includes(r.json.ChallengeName));
        }
      }
    }));
  }

  /** The whole loop: KILLS × (load, kill at a random moment, restart, checks). */
  async run() {
    const scanner = (async () => {
      while (!this.scanDone) {
        await this.mailbox.scan();
        await sleep(50);
      }
    })();
    const started = Date.now();
    await this.start();
    const workers = Array.from({ length: WORKERS }, (_, w) => this.worker(w));
    try {
      for (let k = 0; k < KILLS && !this.stopping(); k++) {
        this.openGate();
        const ms = between(LOAD_MS);
        this.stats.loadMs.push(ms);
        await sleep(ms);
        await this.kill();
        await this.start();
        const checked = await this.runChecks();
        bump(this.stats, 'ackedChecked', checked);
      }
      // Last round: the workers settle what the last kill left unknown, then everything is swept.
      this.final = true;
      this.openGate();
      await Promise.all(workers);
      await this.finalSweep();
    } finally {
      this.finished = true;
      this.openGate();
      await Promise.all(workers);
      this.scanDone = true;
      await scanner;
      await this.node?.stop();
    }
    this.stats.seconds = (Date.now() - started) / 1000;
  }

  summary() {
    const s = this.stats;
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    const users = this.users;
    return [
      `${this.label}: ${this.epoch} kills in ${s.seconds} s; load ${JSON.stringify(s.loadMs.length ? [Math.min(...s.loadMs), Math.max(...s.loadMs)] : [])} ms before each kill; ` +
        `requests in flight at each kill: ${s.killInFlight.join(' ')}; restart ms: ${s.restartMs.join(' ')}`,
      `  users waiting for their sign-up email at each kill: ${s.waitingMail.join(' ')}; ` +
        `emails later than 2 s after their sign-up: ${s.mailLate}, the latest after ${s.mailDelayMax} ms`,
      `  load requests ${sum(s.load)} ${JSON.stringify(s.load)}`,
      `  acknowledged ${sum(s.acked)} ${JSON.stringify(s.acked)}`,
      `  answers lost to a kill, then settled: ${JSON.stringify(s.inflightOutcome)}`,
      `  acknowledged operations checked after a restart: ${s.ackedChecked ?? 0}; checks passed ${JSON.stringify(s.checks)}`,
      `  TOTP replays refused inside the ±1 step window: ${s.replayInWindow}, outside it: ${s.replayOutOfWindow}`,
      `  users ${users.length}: signed up ${users.filter((u) => u.signUpAcked).length}, confirmed ${users.filter((u) => u.confirmed).length}, ` +
        `enrolled ${users.filter((u) => u.enrolled === 'yes').length}; emails ${this.mailbox.files}; *.tmp left by kills in the mail folder: ${this.mailbox.leftoverTmp}`,
    ].join('\n');
  }
}

// ---------------------------------------------------------------------------------------------

async function crashLoop(t, label, prepare) {
  const dir = await makeTempDir(`cognate-crash-${label.toLowerCase()}-`);
  let cleanup = async () => {};
  let run;
  try {
    const configFile = path.join(dir, 'auth.json');
    await fs.copyFile(SEED_CONFIG, configFile);
    const keyFile = await keygen(path.join(dir, 'master.key'));
    const mailDir = path.join(dir, 'mail');
    await fs.mkdir(mailDir);
    const prepared = await prepare(dir);
    cleanup = prepared.cleanup;
    run = new CrashRun({ label, databaseUrl: prepared.databaseUrl, dir, keyFile, configFile, mailDir });
    await run.run();
    for (const line of run.summary().split('\n')) {
      t.diagnostic(line);
    }
    if (run.failures.length > 0) {
      t.diagnostic(`--- last killed server's log (tail) ---\n${(run.previousLogs ?? '').split('\n').slice(-30).join('\n')}`);
      // The failures alone, without a stack, so that they are the last lines of the test's
      // report (a CI log's tail shows them).
      const error = new Error(`${run.failures.length} failures, the first ones:\n${run.failures.slice(0, 8).join('\n')}`);
      error.stack = error.message;
      throw error;
    }
    assert.equal(run.epoch, KILLS, `${KILLS} kills`);
    assert.ok(run.stats.killInFlight.filter((n) => n > 0).length >= KILLS / 2,
      `most kills hit requests in flight: ${run.stats.killInFlight.join(' ')}`);
    for (const op of ['SignUp', 'ConfirmSignUp', 'VerifySoftwareToken', 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
      'InitiateAuth REFRESH_TOKEN_AUTH']) {
      assert.ok((run.stats.acked[op] ?? 0) >= KILLS, `at least ${KILLS} ${op} acknowledged:\n${run.summary()}`);
    }
    assert.ok(run.stats.replayInWindow >= KILLS / 2, `TOTP replays inside the window:\n${run.summary()}`);
  } finally {
    await run?.node?.stop();
    await cleanup();
    await removeDir(dir);
  }
}

describe('crash safety: SIGKILL at random moments under a mixed load', () => {
  it(`SQLite: ${KILLS} kills; every acknowledged operation survives, single use holds, nothing half-written`,
    { timeout: 130_000 }, (t) => crashLoop(t, 'SQLite', async (dir) => ({
      databaseUrl: `sqlite:${path.join(dir, 'cognate.db')}`,
      cleanup: async () => {},
    })));

  it(`PostgreSQL: ${KILLS} kills; every acknowledged operation survives, single use holds, nothing half-written`,
    { timeout: 130_000 }, (t) => crashLoop(t, 'PostgreSQL', async () => {
      const db = await createDatabase('crash', postgresUrl());
      await migrate(db.url);
      return { databaseUrl: db.url, cleanup: () => db.drop() };
    }));
});
