// AdminListUserAuthEvents with SDK v3 and the AWS CLI against a real `cognate sandbox` behind a
// trusted proxy: a user's journey from a "phone" (its own User-Agent, its address in
// X-Forwarded-For) — sign-up, a wrong password, TOTP set-up, a wrong code, a right one — is
// listed newest first as Cognito lists it (EventType, EventResponse Pass / Fail / InProgress,
// CreationDate, ChallengeResponses, EventContextData with the phone's address and user agent),
// page by page; an unknown name's attempt is in the operators' trail without the name typed.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AdminListUserAuthEventsCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient, readCredentials, startSandbox, uniqueEmail } from './lib/cognate.mjs';
import {
  answerTotp, completeTotpSetup, passwordAuth, rejectsWith, signUpConfirmed, wrongTotp,
} from './lib/sign_in.mjs';
import { runCognate } from './lib/cluster.mjs';

const execFileP = promisify(execFile);
const PHONE_ADDRESS = '198.51.100.23';
const PHONE_AGENT = 'CognateTestPhone/1.0 (Android 15; Pixel 8)';

/** A public client whose calls come through the proxy from the phone. */
function phoneClient(endpoint) {
  const client = cognitoClient(endpoint);
  client.middlewareStack.add((next) => async (args) => {
    args.request.headers['x-forwarded-for'] = PHONE_ADDRESS;
    args.request.headers['user-agent'] = PHONE_AGENT;
    return next(args);
  }, { step: 'finalizeRequest', name: 'fromThePhone', priority: 'low' });
  return client;
}

const summary = (events) => events.map((e) => [e.EventType, e.EventResponse,
  ...(e.ChallengeResponses ?? []).map((c) => `${c.ChallengeName}:${c.ChallengeResponse}`)].join(' '));

describe('AdminListUserAuthEvents (sandbox behind a trusted proxy)', () => {
  let server;
  let admin;
  let credentials;
  let email;
  before(async () => {
    server = await startSandbox({ extraArgs: ['--trusted-proxy', '127.0.0.1'] });
    credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    admin = new CognitoIdentityProviderClient({
      region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1,
    });
    const phone = phoneClient(server.endpoint);
    email = uniqueEmail('events');
    await signUpConfirmed(phone, server, email);
    await rejectsWith(passwordAuth(phone, server, email, 'Wrong-passw0rd!'), 'NotAuthorizedException');
    const { device } = await completeTotpSetup(phone, server, await passwordAuth(phone, server, email));
    const challenge = await passwordAuth(phone, server, email);
    await rejectsWith(answerTotp(phone, server, challenge, email, wrongTotp(device.secret)), 'CodeMismatchException');
    const done = await answerTotp(phone, server, challenge, email, await device.next());
    assert.ok(done.AuthenticationResult?.AccessToken);
    await rejectsWith(passwordAuth(phone, server, 'nobody-typed-this@example.com', 'Wrong-passw0rd!'), 'NotAuthorizedException');
  });
  after(async () => {
    await server?.stop();
  });

  it("lists the user's sign-ins and account events newest first, as Cognito does", async () => {
    const { AuthEvents: events, NextToken } = await admin.send(new AdminListUserAuthEventsCommand({
      UserPoolId: server.poolId, Username: email,
    }));
    assert.equal(NextToken, undefined);
    assert.deepEqual(summary(events), [
      'SignIn Pass Password:Success Mfa:Success', // the right code
      'SignIn Fail Password:Success Mfa:Failure', // the wrong code
      'SignIn InProgress Password:Success', // the password, a code to follow
      'SignIn Pass Password:Success Mfa:Success', // MFA_SETUP answered after the code verified
      'SignIn InProgress Password:Success', // the first sign-in: MFA_SETUP
      'SignIn Fail Password:Failure', // the wrong password
      'SignUp Pass',
    ]);
    for (const e of events.filter((x) => x.EventType === 'SignIn')) {
      assert.deepEqual(e.EventContextData, { IpAddress: PHONE_ADDRESS, DeviceName: PHONE_AGENT });
    }
    for (const e of events) {
      assert.ok(e.CreationDate instanceof Date && Math.abs(e.CreationDate - Date.now()) < 120_000, String(e.CreationDate));
      assert.match(e.EventId, /^\S+$/);
    }
    assert.equal(new Set(events.map((e) => e.EventId)).size, events.length, 'event ids are unique');
  });

  it('pages with MaxResults and NextToken, and refuses what it cannot read', async () => {
    const all = (await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: server.poolId, Username: email }))).AuthEvents;
    const paged = [];
    let token;
    let pages = 0;
    do {
      const page = await admin.send(new AdminListUserAuthEventsCommand({
        UserPoolId: server.poolId, Username: email, MaxResults: 3, NextToken: token,
      }));
      assert.ok(page.AuthEvents.length <= 3);
      paged.push(...page.AuthEvents);
      token = page.NextToken;
      pages += 1;
    } while (token && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(paged.map((e) => e.EventId), all.map((e) => e.EventId));

    await rejectsWith(admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: server.poolId, Username: 'nobody@example.com' })),
      'UserNotFoundException', 'User does not exist.');
    await rejectsWith(admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: server.poolId, Username: email, NextToken: 'bm90IGEgdG9rZW4' })),
      'InvalidParameterException', 'Invalid NextToken.');
    await rejectsWith(admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: server.poolId, Username: email, MaxResults: 61 })),
      'InvalidParameterException');
    // Public callers cannot list: the operation needs an operator's signature.
    await assert.rejects(cognitoClient(server.endpoint).send(new AdminListUserAuthEventsCommand({ UserPoolId: server.poolId, Username: email })));
  });

  it('answers the AWS CLI, page by page', async () => {
    const cli = async (...extra) => JSON.parse((await execFileP('/usr/bin/aws', [
      'cognito-idp', 'admin-list-user-auth-events', '--endpoint-url', server.endpoint, '--region', 'us-east-1',
      '--user-pool-id', server.poolId, '--username', email, '--max-results', '2', '--output', 'json', ...extra,
    ], {
      env: {
        PATH: process.env.PATH, HOME: server.dir, AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_PAGER: '',
      },
      timeout: 60_000,
    })).stdout);
    const first = await cli();
    assert.deepEqual(summary(first.AuthEvents), ['SignIn Pass Password:Success Mfa:Success', 'SignIn Fail Password:Success Mfa:Failure']);
    assert.equal(first.AuthEvents[0].EventContextData.IpAddress, PHONE_ADDRESS);
    assert.ok(first.NextToken, 'a next page');
    const second = await cli('--next-token', first.NextToken);
    assert.deepEqual(summary(second.AuthEvents), ['SignIn InProgress Password:Success', 'SignIn Pass Password:Success Mfa:Success']);
  });

  it("keeps an unknown name's attempt in the operators' trail, without the name typed", async () => {
    const r = await runCognate(['audit', '--dir', server.dataDir, '--json', '--pool', server.poolId]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const unknown = rows.filter((e) => e.event === 'sign_in' && !e.user);
    assert.equal(unknown.length, 1, JSON.stringify(rows.slice(0, 3)));
    assert.equal(unknown[0].detail.failure, 'unknown_user');
    assert.equal(unknown[0].detail.ip, PHONE_ADDRESS);
    assert.equal(unknown[0].detail.user_agent, PHONE_AGENT);
    assert.doesNotMatch(r.stdout, /nobody-typed-this/);
  });
});
