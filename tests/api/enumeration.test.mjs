// No user enumeration across sequences of requests: for every public (unauthenticated) operation
// that takes a user name, a caller who repeats a probe 8 times must see the same answers for a
// user who exists (confirmed, TOTP set up — the seed pool has MFA REQUIRED with TOTP — or
// unconfirmed) as for a name nobody signed up with: HTTP status, headers, __type, message, and
// the shape of every successful answer. Answers are raw (rawCall), so nothing is hidden by an SDK.
//
// Values that differ legitimately are masked, but their form is kept: request ids, SRP_B
// (checked fresh on every call), SECRET_BLOCK and Session (length kept), SALT and
// USER_ID_FOR_SRP (checked stable across the sequence — a decoy whose salt changed on every call
// would give the unknown name away). Names of one pair have the same length and the same first
// letters, so masked destinations ("a***@e***") compare verbatim.
//
// ENUMERATION_VERBOSE=1 prints both sequences of every test, passing or not.
//
// Each sequence uses fresh names: a lockout (first lock 30 s) never carries from one to the next,
// and no test waits for one to expire. SignUp is not probed: Cognito answers
// UsernameExistsException for a taken name whatever PreventUserExistenceErrors says, and the two
// answers that follow from it (a confirmed user's Resend and ConfirmSignUp) are pinned as such.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { GOOD_PASSWORD, cognitoClient, rawCall, startSandbox } from './lib/cognate.mjs';
import { enrolledUser } from './lib/sign_in.mjs';

const PROBES = 8;
const WRONG_PASSWORD = 'Wr0ng-Passw0rd!';
const NEW_PASSWORD = 'N3w-Passw0rd!';
// Codes are random 6-digit numbers: one being 000000 is a one-in-a-million event.
const WRONG_CODE = '000000';

const MSG = {
  lockedOut: 'Password attempts exceeded',
  limit: 'Attempt limit exceeded, please try after some time.',
  expired: 'Invalid code provided, please request a code again.',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/=_-]+$/;

// Header values that differ on every answer; their presence is still compared.
const VOLATILE_HEADERS = new Set(['date', 'x-amzn-requestid', 'content-length']);

/** A name of the same length and first letters as every other name with this tag. */
const nameFor = (tag) => `${tag}-${process.pid}-${crypto.randomUUID().slice(0, 8)}@example.com`;

// ---------------------------------------------------------------------------------------------
// SRP (RFC 5054 3072-bit group, g = 2), only as far as a client needs to send a well-formed A
// and a well-formed but wrong PASSWORD_VERIFIER answer.

const N = BigInt(`0x${crypto.getDiffieHellman('modp15').getPrime('hex')}`);

function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) {
      result = (result * b) % modulus;
    }
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** A fresh SRP_A = g^a mod N, as hex. */
const srpA = () => modPow(2n, BigInt(`0x${crypto.randomBytes(32).toString('hex')}`), N).toString(16);

/** "Tue Mar 5 09:04:01 UTC 2024": the TIMESTAMP format Cognito requires (day not padded). */
function srpTimestamp(d = new Date()) {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${d.getUTCDate()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

// ---------------------------------------------------------------------------------------------
// Recording and comparing sequences

/**
 * One answer reduced to what a caller may compare: status, headers, __type, message and the body
 * with legitimately differing values replaced by their form. `memo` holds what earlier answers of
 * the same sequence showed (first SALT, SRP_B values seen, ...).
 */
function normalize(res, name, memo) {
  const headers = {};
  for (const [key, value] of [...res.headers.entries()].sort()) {
    headers[key] = VOLATILE_HEADERS.has(key) ? '<varies>' : value;
  }
  const out = { status: res.status, headers };
  if (res.json === null) {
    out.body = res.text;
    return out;
  }
  const { __type, message, ...rest } = res.json;
  out.__type = __type;
  out.message = message;
  const params = rest.ChallengeParameters ?? {};

  const stable = (key, value, form) => {
    if (!memo.has(key)) {
      memo.set(key, value);
    }
    return `<${form}, ${memo.get(key) === value ? 'same as first answer' : 'CHANGED since first answer'}>`;
  };
  const fresh = (key, value, form) => {
    const seen = memo.get(key) ?? new Set();
    memo.set(key, seen);
    const verdict = seen.has(value) ? 'REPEATED' : 'fresh';
    seen.add(value);
    return `<${form}, ${verdict}>`;
  };

  const walk = (value, key) => {
    if (Array.isArray(value)) {
      return value.map((v) => walk(v, key));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, walk(value[k], k)]));
    }
    if (typeof value !== 'string') {
      return value;
    }
    switch (key) {
      case 'Session':
        return `<Session, ${value.length} chars>`;
      case 'SECRET_BLOCK':
        return `<${BASE64.test(value) ? 'base64' : 'NOT base64'}, ${value.length} chars>`;
      case 'SRP_B':
        return fresh('SRP_B', value, HEX.test(value) ? 'hex' : 'NOT hex');
      case 'SALT':
        return stable('SALT', value, HEX.test(value) && value.length <= 34 ? 'hex ≤ 17 bytes' : 'NOT a 16-byte hex salt');
      case 'USER_ID_FOR_SRP':
        return stable('USER_ID_FOR_SRP', value, UUID.test(value) ? 'uuid' : 'NOT a uuid');
      case 'USERNAME':
        if (value === params.USER_ID_FOR_SRP) {
          return '<= USER_ID_FOR_SRP>';
        }
        break;
      default:
        break;
    }
    return value.toLowerCase() === name.toLowerCase() ? '<the name asked about>' : value;
  };
  out.body = walk(rest, '');
  return out;
}

/**
 * Runs `prelude` once (when given) then `probe` PROBES times for `name`. Each returns a list of
 * [label, rawCall answer]. Resolves to the steps: { label, answer (normalized), raw (text) }.
 */
async function record(name, { prelude, probe }) {
  const memo = new Map();
  const steps = [];
  const run = async (fn, round) => {
    for (const [label, res] of await fn(name)) {
      steps.push({ label: `${round}: ${label}`, answer: normalize(res, name, memo), raw: `${res.status} ${res.text}` });
    }
  };
  if (prelude) {
    await run(prelude, 'prelude');
  }
  for (let i = 1; i <= PROBES; i++) {
    await run(probe, `probe ${i}/${PROBES}`);
  }
  return steps;
}

const summary = (step) => {
  const a = step.answer;
  return a.status === 200 ? `200 ${JSON.stringify(a.body)}` : `${a.status} ${a.__type}: ${a.message}`;
};

/** One line per step, numbered from 1. */
const table = (steps, indent = '  ') =>
  steps.map((s, j) => `${indent}${j + 1}. ${s.label} → ${summary(s)}`).join('\n');

/** Null when the sequences agree, else a readable account of the first step where they differ. */
function firstDifference(known, unknown) {
  const count = Math.max(known.length, unknown.length);
  for (let i = 0; i < count; i++) {
    const k = known[i];
    const u = unknown[i];
    if (k && u && k.label === u.label && JSON.stringify(k.answer) === JSON.stringify(u.answer)) {
      continue;
    }
    const fields = [];
    for (const field of ['status', '__type', 'message', 'headers', 'body']) {
      const kv = JSON.stringify(k?.answer[field]);
      const uv = JSON.stringify(u?.answer[field]);
      if (kv !== uv) {
        fields.push(`    ${field}:\n      known:   ${kv}\n      unknown: ${uv}`);
      }
    }
    return [
      `known and unknown user differ at step ${i + 1} (${k?.label ?? u?.label}):`,
      ...fields,
      `  raw known:   ${k?.raw ?? '(no such step)'}`,
      `  raw unknown: ${u?.raw ?? '(no such step)'}`,
      '  known sequence:',
      table(known, '    '),
      '  unknown sequence:',
      table(unknown, '    '),
    ].join('\n');
  }
  return null;
}

/** Records the sequence for both names and asserts the answers are the same, step by step. */
async function assertIndistinguishable(knownName, unknownName, sequence, { knownMustShow } = {}) {
  const known = await record(knownName, sequence);
  const unknown = await record(unknownName, sequence);
  if (knownMustShow) {
    // Guards against a vacuous pass (e.g. a probe refused for its form before the user is looked up).
    assert.ok(known.some((s) => s.answer.message === knownMustShow),
      `the known user's sequence should show "${knownMustShow}":\n${table(known)}`);
  }
  const diff = firstDifference(known, unknown);
  if (process.env.ENUMERATION_VERBOSE) {
    console.log(`known ${knownName}:\n${table(known)}\nunknown ${unknownName}:\n${table(unknown)}`);
  }
  if (diff) {
    assert.fail(diff);
  }
}

// ---------------------------------------------------------------------------------------------

describe('no user enumeration across sequences of public requests (sandbox, MFA REQUIRED + TOTP)', () => {
  let server;
  let client;

  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  const call = (op, body) => rawCall(server.endpoint, op, { ClientId: server.clientId, ...body });

  // Probes: name → [[label, answer], ...]
  const wrongPassword = async (USERNAME) => [[
    'InitiateAuth USER_PASSWORD_AUTH (wrong password)',
    await call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME, PASSWORD: WRONG_PASSWORD },
    }),
  ]];
  const srpStart = (USERNAME) =>
    call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srpA() } });
  const srpInitiate = async (name) => [['InitiateAuth USER_SRP_AUTH', await srpStart(name)]];
  const srpWrongProof = async (name) => {
    const start = await srpStart(name);
    const steps = [['InitiateAuth USER_SRP_AUTH', start]];
    const params = start.json?.ChallengeParameters;
    if (start.status === 200 && params) {
      steps.push(['RespondToAuthChallenge PASSWORD_VERIFIER (wrong signature)', await call('RespondToAuthChallenge', {
        ChallengeName: 'PASSWORD_VERIFIER',
        ...(start.json.Session ? { Session: start.json.Session } : {}),
        ChallengeResponses: {
          USERNAME: params.USER_ID_FOR_SRP ?? name,
          PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
          PASSWORD_CLAIM_SIGNATURE: crypto.randomBytes(32).toString('base64'),
          TIMESTAMP: srpTimestamp(),
        },
      })]);
    }
    return steps;
  };
  const resend = async (Username) => [['ResendConfirmationCode', await call('ResendConfirmationCode', { Username })]];
  const forgot = async (Username) => [['ForgotPassword', await call('ForgotPassword', { Username })]];
  const confirmSignUpWrong = async (Username) => [[
    'ConfirmSignUp (wrong code)',
    await call('ConfirmSignUp', { Username, ConfirmationCode: WRONG_CODE }),
  ]];
  const confirmForgotWrong = async (Username) => [[
    'ConfirmForgotPassword (wrong code)',
    await call('ConfirmForgotPassword', { Username, ConfirmationCode: WRONG_CODE, Password: NEW_PASSWORD }),
  ]];
  const mixed = async (name) => [
    ...(await wrongPassword(name)),
    ...(await srpWrongProof(name)),
    ...(await forgot(name)),
    ...(await confirmForgotWrong(name)),
  ];

  /** A confirmed user with TOTP set up (signed in once), and a never-used name of the same form. */
  const confirmedPair = async (tag) => ({ known: (await enrolledUser(client, server, tag)).email, unknown: nameFor(tag) });
  /** An UNCONFIRMED user (signed up, code mailed, never confirmed), and a never-used name. */
  const unconfirmedPair = async (tag) => {
    const known = nameFor(tag);
    const res = await call('SignUp', {
      Username: known,
      Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: known }],
    });
    assert.equal(res.status, 200, res.text);
    return { known, unknown: nameFor(tag) };
  };

  it('InitiateAuth USER_PASSWORD_AUTH with a wrong password, 8 times (lockout after 5)', async () => {
    const { known, unknown } = await confirmedPair('pw');
    await assertIndistinguishable(known, unknown, { probe: wrongPassword },
      { knownMustShow: MSG.lockedOut });
  });

  it('InitiateAuth USER_SRP_AUTH, 8 times: same parameters, SALT and USER_ID_FOR_SRP stable, SRP_B fresh', async () => {
    const { known, unknown } = await confirmedPair('srp');
    await assertIndistinguishable(known, unknown, { probe: srpInitiate });
  });

  it('USER_SRP_AUTH then PASSWORD_VERIFIER with a wrong signature, 8 times (lockout after 5)', async () => {
    const { known, unknown } = await confirmedPair('pv');
    await assertIndistinguishable(known, unknown, { probe: srpWrongProof },
      { knownMustShow: MSG.lockedOut });
  });

  // The one boundary, kept as Cognito draws it: a CONFIRMED user's ResendConfirmationCode and
  // ConfirmSignUp say so (InvalidParameterException "User is already confirmed." and
  // NotAuthorizedException "User cannot be confirmed. Current status is CONFIRMED"; protocol doc
  // §3, §10.6; clients key on these texts), while an unknown name gets the decoy answers. They
  // tell nothing SignUp does not: any caller learns that a name is taken from SignUp's
  // UsernameExistsException, in Cognito as here. So this test pins the boundary exactly — the
  // known user's answers are Cognito's, every time; the unknown name's are those of an
  // unconfirmed user; and SignUp already tells the two apart — instead of pretending to hide it.
  // docs/security.md records the choice; per-address rate limits on both classes slow a sweep.
  const assertConfirmedBoundary = async (tag, probe, knownAnswer, unknownCheck) => {
    const { known, unknown } = await confirmedPair(tag);
    for (let i = 1; i <= PROBES; i++) {
      const [[, k]] = await probe(known);
      assert.equal(k.status, 400, `probe ${i}: ${k.text}`);
      assert.deepEqual([k.json.__type, k.json.message], knownAnswer, `probe ${i}`);
      const [[, u]] = await probe(unknown);
      unknownCheck(u, i);
    }
    const taken = await call('SignUp', { Username: known, Password: GOOD_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: known }] });
    assert.equal(taken.json?.__type, 'UsernameExistsException', taken.text);
  };

  it('ResendConfirmationCode, 8 times: a confirmed user answers as Cognito does, which SignUp already tells', async () => {
    await assertConfirmedBoundary('rc', resend,
      ['InvalidParameterException', 'User is already confirmed.'],
      (u, i) => {
        // The decoy: as for an unconfirmed user, the hourly budget then LimitExceededException.
        if (i <= 4) {
          assert.equal(u.status, 200, `probe ${i}: ${u.text}`);
          assert.equal(u.json.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
        } else {
          assert.equal(u.json?.message, MSG.limit, `probe ${i}: ${u.text}`);
        }
      });
  });

  it('ResendConfirmationCode, 8 times: unconfirmed user vs unknown name', async () => {
    const { known, unknown } = await unconfirmedPair('ru');
    await assertIndistinguishable(known, unknown, { probe: resend }, { knownMustShow: MSG.limit });
  });

  it('ForgotPassword, 8 times (hourly code budget)', async () => {
    const { known, unknown } = await confirmedPair('fp');
    await assertIndistinguishable(known, unknown, { probe: forgot }, { knownMustShow: MSG.limit });
  });

  it('ConfirmSignUp with a wrong code, 8 times: a confirmed user answers as Cognito does, which SignUp already tells', async () => {
    await assertConfirmedBoundary('sc', confirmSignUpWrong,
      ['NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED'],
      (u, i) => {
        // The decoy: as for an unconfirmed user, mismatch while the code would live, then expired.
        const expected = i <= 5 ? 'CodeMismatchException' : 'ExpiredCodeException';
        assert.equal(u.json?.__type, expected, `probe ${i}: ${u.text}`);
      });
  });

  it('ConfirmSignUp with a wrong code, 8 times: unconfirmed user vs unknown name', async () => {
    const { known, unknown } = await unconfirmedPair('su');
    await assertIndistinguishable(known, unknown, { probe: confirmSignUpWrong }, { knownMustShow: MSG.expired });
  });

  // Cognito answers CodeMismatchException for an unknown name but ExpiredCodeException for a user
  // who requested no code (protocol doc §10.4): itself distinguishable. Both must say the same here.
  it('ConfirmForgotPassword with a wrong code, 8 times, no code requested', async () => {
    const { known, unknown } = await confirmedPair('cn');
    await assertIndistinguishable(known, unknown, { probe: confirmForgotWrong });
  });

  it('ForgotPassword, then ConfirmForgotPassword with a wrong code, 8 times (code dies after 5)', async () => {
    const { known, unknown } = await confirmedPair('cf');
    await assertIndistinguishable(known, unknown, { prelude: forgot, probe: confirmForgotWrong },
      { knownMustShow: MSG.expired });
  });

  it('interleaved: wrong password, SRP wrong signature, ForgotPassword, ConfirmForgotPassword, 8 times', async () => {
    const { known, unknown } = await confirmedPair('mx');
    await assertIndistinguishable(known, unknown, { probe: mixed },
      { knownMustShow: MSG.lockedOut });
  });
});
