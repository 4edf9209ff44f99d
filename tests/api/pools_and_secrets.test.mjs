// Many pools and confidential clients, driven by the AWS SDK for JavaScript v3 against a real
// `cognate sandbox`, signed with the key the sandbox keeps in .cognate/aws-credentials:
// CreateUserPool with a template, a schema, a password policy, MFA ON and deletion protection
// (and the members Cognate cannot honour refused, creating nothing) → a client with a secret →
// SignUp without, with a wrong and with the right SecretHash (the same answers for a known and an
// unknown name) → AdminConfirmSignUp → a group → sign-in with SECRET_HASH through MFA_SETUP →
// the tokens' issuer, audience, groups and lifetimes → refresh with SECRET_HASH over the sub and
// with ClientSecret → ListUsers kept apart per pool → disable / enable → AdminCreateUser →
// NEW_PASSWORD_REQUIRED → MFA_SETUP → lost-TOTP reset → MFA_SETUP again → UpdateUserPool →
// DeleteUserPool (refused under deletion protection and for the pool the config declares).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOD_PASSWORD, cognitoClient, listEmails, readCredentials, startSandbox, uniqueEmail, waitFor, waitForEmail,
} from './lib/cognate.mjs';
import { TotpDevice, decodeJwt, rejectsWith } from './lib/sign_in.mjs';

const execFileP = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SUBJECT = 'Your staging code';
const BODY = 'Staging: your code is {####}';
const STRONG_PASSWORD = 'Longer-Passw0rd!';

const secretHash = (secret, username, clientId) =>
  crypto.createHmac('sha256', secret).update(username + clientId).digest('base64');

describe('pools and confidential clients (SDK v3, sandbox)', { timeout: 120_000 }, () => {
  let server;
  let admin;
  let pub;
  let poolId;
  let clientId;
  let secret;
  let email;
  let sub;
  let tokens;
  let credentials;
  const hash = (username) => secretHash(secret, username, clientId);

  before(async () => {
    server = await startSandbox();
    pub = cognitoClient(server.endpoint);
    credentials = await readCredentials(path.join(server.dataDir, 'aws-credentials'));
    admin = new CognitoIdentityProviderClient({
      region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1,
    });
  });
  after(async () => {
    await server?.stop();
  });

  /** MFA_SETUP answered the way Amplify does (USERNAME: the name signed in with), with SECRET_HASH. */
  async function setUpTotp(challenge, username) {
    assert.equal(challenge.ChallengeName, 'MFA_SETUP');
    const associate = await pub.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session }));
    const device = new TotpDevice(associate.SecretCode);
    const verify = await pub.send(new VerifySoftwareTokenCommand({
      Session: associate.Session, UserCode: await device.next(),
    }));
    const responses = { USERNAME: username };
    // Without the hash the step is refused and the Session is not spent.
    await rejectsWith(pub.send(new RespondToAuthChallengeCommand({
      ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verify.Session, ChallengeResponses: responses,
    })), 'NotAuthorizedException', `Client ${clientId} is configured for secret but secret was not received`);
    const done = await pub.send(new RespondToAuthChallengeCommand({
      ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verify.Session,
      ChallengeResponses: { ...responses, SECRET_HASH: hash(username) },
    }));
    assert.ok(done.AuthenticationResult?.AccessToken, 'MFA_SETUP ends with tokens');
    return { device, tokens: done.AuthenticationResult };
  }

  it('creates a pool with what defineAuth can say, and refuses what Cognate cannot honour', async () => {
    const before = await admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    for (const [member, value, message] of [
      ['LambdaConfig', { PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
        'LambdaConfig is not supported by this server yet; leave it out (it would not be honoured).'],
      ['SmsConfiguration', { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms' },
        'SmsConfiguration is not supported by this server yet; leave it out (it would not be honoured).'],
      ['UsernameAttributes', ['phone_number'],
        'UsernameAttributes must be ["email"]: Cognate pools sign users in by their verified email address.'],
      ['VerificationMessageTemplate', { EmailMessage: 'no placeholder here' },
        'VerificationMessageTemplate.EmailMessage must contain the placeholder {####}.'],
    ]) {
      await rejectsWith(admin.send(new CreateUserPoolCommand({ PoolName: 'refused', [member]: value })),
        'InvalidParameterException', message);
    }
    const after = await admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.equal(after.UserPools.length, before.UserPools.length, 'a refused request creates no pool');

    const created = await admin.send(new CreateUserPoolCommand({
      PoolName: 'staging',
      MfaConfiguration: 'ON',
      DeletionProtection: 'ACTIVE',
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true,
        RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: SUBJECT, EmailMessage: BODY },
      AdminCreateUserConfig: { InviteMessageTemplate: {
        EmailSubject: 'Welcome to staging', EmailMessage: 'User {username}, password {####}' } },
      EmailConfiguration: { From: 'Staging <noreply@staging.example>' },
      Schema: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true,
        StringAttributeConstraints: { MinLength: '1', MaxLength: '16' } }],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Priority: 1, Name: 'verified_email' }] },
    }));
    poolId = created.UserPool.Id;
    assert.match(poolId, /^us-east-1_[A-Za-z0-9]{9}$/);
    assert.notEqual(poolId, server.poolId);
    const { UserPool: p } = await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    assert.equal(p.Name, 'staging');
    assert.equal(p.MfaConfiguration, 'ON');
    assert.equal(p.DeletionProtection, 'ACTIVE');
    assert.equal(p.Policies.PasswordPolicy.MinimumLength, 12);
    assert.equal(p.Policies.PasswordPolicy.TemporaryPasswordValidityDays, 3);
    assert.deepEqual(p.VerificationMessageTemplate,
      { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: SUBJECT, EmailMessage: BODY });
    assert.equal(p.EmailConfiguration.From, 'Staging <noreply@staging.example>');
    assert.ok(p.SchemaAttributes.some((a) => a.Name === 'custom:plan' && a.AttributeDataType === 'String'));
    assert.deepEqual(p.AccountRecoverySetting.RecoveryMechanisms, [{ Priority: 1, Name: 'verified_email' }]);
    const mfa = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    assert.equal(mfa.MfaConfiguration, 'ON');
    assert.equal(mfa.SoftwareTokenMfaConfiguration.Enabled, true);
    const listed = await admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.deepEqual(listed.UserPools.map((x) => x.Id).sort(), [server.poolId, poolId].sort());
  });

  it('creates a client with a secret, shown by Describe and kept by Update', async () => {
    const created = await admin.send(new CreateUserPoolClientCommand({
      UserPoolId: poolId, ClientName: 'backend', GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 10, IdTokenValidity: 20, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    }));
    clientId = created.UserPoolClient.ClientId;
    secret = created.UserPoolClient.ClientSecret;
    assert.match(secret, /^[a-z0-9]{51}$/);
    const described = await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
    assert.equal(described.UserPoolClient.ClientSecret, secret);
    assert.equal(described.UserPoolClient.UserPoolId, poolId);
    await admin.send(new UpdateUserPoolClientCommand({
      UserPoolId: poolId, ClientId: clientId, ClientName: 'backend-2',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 10, IdTokenValidity: 20, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    }));
    const again = await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
    assert.equal(again.UserPoolClient.ClientSecret, secret, 'an update keeps the secret');
    assert.equal(again.UserPoolClient.ClientName, 'backend-2');
  });

  it('SignUp needs the right SecretHash, with the same answers for known and unknown names', async () => {
    email = uniqueEmail('secret');
    const signUp = (username, extra = {}) => pub.send(new SignUpCommand({
      ClientId: clientId, Username: username, Password: STRONG_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: username }, { Name: 'custom:plan', Value: 'pro' }], ...extra,
    }));
    await rejectsWith(signUp(email), 'NotAuthorizedException',
      `Client ${clientId} is configured for secret but secret was not received`);
    await rejectsWith(signUp(email, { SecretHash: hash('someone-else@example.com') }), 'NotAuthorizedException',
      `Unable to verify secret hash for client ${clientId}`);
    await rejectsWith(signUp(email, { SecretHash: hash(email), Password: 'Short-0ne!' }), 'InvalidPasswordException');
    const res = await signUp(email, { SecretHash: hash(email) });
    sub = res.UserSub;
    const mail = await waitForEmail(server.outbox, email);
    assert.equal(mail.subject, SUBJECT, "the new pool's template");
    assert.match(mail.from, /^Staging <noreply@staging\.example>$/, "the new pool's From");
    // A wrong hash answers the same whether the name is known or not, every time.
    const unknown = uniqueEmail('nobody');
    for (let i = 0; i < 8; i++) {
      for (const name of [email, unknown]) {
        await rejectsWith(pub.send(new ConfirmSignUpCommand({
          ClientId: clientId, Username: name, ConfirmationCode: mail.code, SecretHash: hash(`${name}x`),
        })), 'NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
      }
    }
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: email }));
  });

  it('signs in with SECRET_HASH through MFA_SETUP; tokens name the new pool, client and group', async () => {
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: 'editors' }));
    const auth = (extra = {}) => pub.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, ...extra },
    }));
    await rejectsWith(auth(), 'NotAuthorizedException',
      `Client ${clientId} is configured for secret but secret was not received`);
    await rejectsWith(auth({ SECRET_HASH: hash(email.toUpperCase()) }), 'NotAuthorizedException',
      `Unable to verify secret hash for client ${clientId}`);
    const challenge = await auth({ SECRET_HASH: hash(email) });
    ({ tokens } = await setUpTotp(challenge, email));
    const access = decodeJwt(tokens.AccessToken).payload;
    const id = decodeJwt(tokens.IdToken).payload;
    assert.equal(access.iss, `${server.endpoint}/${poolId}`);
    assert.equal(access.client_id, clientId);
    assert.equal(id.aud, clientId);
    assert.deepEqual(access['cognito:groups'], ['editors']);
    assert.equal(id['custom:plan'], 'pro');
    assert.equal(access.exp - access.iat, 600, 'the client\'s 10-minute access tokens');
    assert.equal(id.exp - id.iat, 1200, 'the client\'s 20-minute ID tokens');
    // The seed pool does not know this user; the new pool knows only its own.
    const elsewhere = await admin.send(new ListUsersCommand({ UserPoolId: server.poolId, Filter: `email = "${email}"` }));
    assert.equal(elsewhere.Users.length, 0);
    const here = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "secret"' }));
    assert.deepEqual(here.Users.map((u) => u.Username), [sub]);
  });

  it('refreshes with SECRET_HASH over the sub, or with ClientSecret', async () => {
    const refresh = (h) => pub.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken, ...(h ? { SECRET_HASH: h } : {}) },
    }));
    await rejectsWith(refresh(), 'NotAuthorizedException',
      `Client ${clientId} is configured for secret but secret was not received`);
    await rejectsWith(refresh(hash(email)), 'NotAuthorizedException',
      `Unable to verify secret hash for client ${clientId}`);
    const ok = await refresh(hash(sub));
    assert.ok(ok.AuthenticationResult.AccessToken);
    await rejectsWith(pub.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: tokens.RefreshToken })),
      'NotAuthorizedException', `Client ${clientId} is configured for secret but secret was not received`);
    const viaSecret = await pub.send(new GetTokensFromRefreshTokenCommand({
      ClientId: clientId, RefreshToken: tokens.RefreshToken, ClientSecret: secret,
    }));
    assert.ok(viaSecret.AuthenticationResult.IdToken);
  });

  it('a disabled user is refused at once (tokens revoked); enabled again, signs in', async () => {
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: email }));
    await rejectsWith(pub.send(new GetTokensFromRefreshTokenCommand({
      ClientId: clientId, RefreshToken: tokens.RefreshToken, ClientSecret: secret,
    })), 'NotAuthorizedException', 'Refresh Token has been revoked');
    // Without the secret, nothing about the token is told: the proof is checked first.
    await rejectsWith(pub.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken, SECRET_HASH: hash(`${sub}x`) },
    })), 'NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
    const signIn = () => pub.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: hash(email) },
    }));
    await rejectsWith(signIn(), 'NotAuthorizedException', 'User is disabled.');
    await admin.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: email }));
    assert.equal((await signIn()).ChallengeName, 'SOFTWARE_TOKEN_MFA');
  });

  it('an invited user: NEW_PASSWORD_REQUIRED, MFA_SETUP, a lost authenticator, MFA_SETUP again', async () => {
    const invited = uniqueEmail('invited');
    const created = await admin.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: invited, TemporaryPassword: 'Temp-Passw0rd-1',
      UserAttributes: [{ Name: 'email', Value: invited }, { Name: 'email_verified', Value: 'true' }],
    }));
    // The invitation carries the temporary password, not a 6-digit code.
    const mail = await waitFor(async () => (await listEmails(server.outbox, invited))
      .find((m) => m.body.includes('Temp-Passw0rd-1')), { what: 'the invitation' });
    assert.equal(mail.subject, 'Welcome to staging');
    const username = created.User.Username;
    const start = (password) => admin.send(new AdminInitiateAuthCommand({
      UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: invited, PASSWORD: password, SECRET_HASH: hash(invited) },
    }));
    const first = await start('Temp-Passw0rd-1');
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    const setup = await admin.send(new AdminRespondToAuthChallengeCommand({
      UserPoolId: poolId, ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: STRONG_PASSWORD, SECRET_HASH: hash(username) },
    }));
    await setUpTotp(setup, invited);
    await admin.send(new AdminSetUserMFAPreferenceCommand({
      UserPoolId: poolId, Username: invited, SoftwareTokenMfaSettings: { Enabled: false },
    }));
    const again = await start(STRONG_PASSWORD);
    assert.equal(again.ChallengeName, 'MFA_SETUP', 'the lost authenticator is set up again');
    await setUpTotp(again, invited);
  });

  it('boto3 drives the same journey on a pool of its own', async () => {
    const script = String.raw`
import base64, hashlib, hmac, json, struct, sys, time
import boto3, botocore
from botocore.config import Config
endpoint, key_id, key_secret = sys.argv[1:4]
admin = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id=key_id, aws_secret_access_key=key_secret)
pub = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                   config=Config(signature_version=botocore.UNSIGNED))

def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

def error(call, **kw):
    try:
        call(**kw)
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]

out = {}
pool = admin.create_user_pool(PoolName="boto3", MfaConfiguration="ON",
                              UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
client = admin.create_user_pool_client(
    UserPoolId=pool, ClientName="service", GenerateSecret=True,
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)["UserPoolClient"]
cid, secret = client["ClientId"], client["ClientSecret"]
h = lambda name: base64.b64encode(hmac.new(secret.encode(), (name + cid).encode(), hashlib.sha256).digest()).decode()

def set_up_totp(answer, name):
    a = pub.associate_software_token(Session=answer["Session"])
    v = pub.verify_software_token(Session=a["Session"], UserCode=totp(a["SecretCode"], int(time.time()) // 30))
    t = pub.respond_to_auth_challenge(ClientId=cid, ChallengeName="MFA_SETUP", Session=v["Session"],
                                      ChallengeResponses={"USERNAME": name, "SECRET_HASH": h(name)})
    return t["AuthenticationResult"]

email = "boto3-%d@example.com" % time.time_ns()
out["without_hash"] = error(pub.sign_up, ClientId=cid, Username=email, Password="Passw0rd!")
out["with_hash"] = error(pub.sign_up, ClientId=cid, Username=email, Password="Passw0rd!", SecretHash=h(email))
admin.admin_confirm_sign_up(UserPoolId=pool, Username=email)
admin.create_group(UserPoolId=pool, GroupName="staff")
admin.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName="staff")
sign_in = lambda: pub.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": email, "PASSWORD": "Passw0rd!", "SECRET_HASH": h(email)})
first = sign_in()
out["first_challenge"] = first["ChallengeName"]
tokens = set_up_totp(first, email)
claims = json.loads(base64.urlsafe_b64decode(tokens["AccessToken"].split(".")[1] + "=="))
out["groups"] = claims.get("cognito:groups")
out["token_client"] = claims["client_id"] == cid and claims["iss"].endswith("/" + pool)
out["listed"] = [u["Username"] for u in admin.list_users(UserPoolId=pool, Filter='email ^= "boto3-"')["Users"]]
out["sub"] = claims["sub"]
admin.admin_disable_user(UserPoolId=pool, Username=email)
out["disabled"] = error(sign_in)
admin.admin_enable_user(UserPoolId=pool, Username=email)
out["enabled"] = sign_in()["ChallengeName"]
invited = "invited-" + email
admin.admin_create_user(UserPoolId=pool, Username=invited, TemporaryPassword="Temp-Passw0rd1", MessageAction="SUPPRESS")
start = lambda password: admin.admin_initiate_auth(
    UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": invited, "PASSWORD": password, "SECRET_HASH": h(invited)})
answer = start("Temp-Passw0rd1")
out["invited_first"] = answer["ChallengeName"]
answer = admin.admin_respond_to_auth_challenge(
    UserPoolId=pool, ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=answer["Session"],
    ChallengeResponses={"USERNAME": invited, "NEW_PASSWORD": "Passw0rd!", "SECRET_HASH": h(invited)})
out["after_new_password"] = answer["ChallengeName"]
set_up_totp(answer, invited)
admin.admin_set_user_mfa_preference(UserPoolId=pool, Username=invited, SoftwareTokenMfaSettings={"Enabled": False})
out["after_lost_phone"] = start("Passw0rd!")["ChallengeName"]
admin.delete_user_pool(UserPoolId=pool)
out["after_delete"] = error(admin.describe_user_pool, UserPoolId=pool)
print(json.dumps(out))
`;
    const { stdout } = await execFileP(PYTHON, ['-c', script, server.endpoint, credentials.accessKeyId,
      credentials.secretAccessKey], { timeout: 60_000 });
    const out = JSON.parse(stdout.trim());
    assert.match(out.without_hash, /^NotAuthorizedException: Client [a-z0-9]{26} is configured for secret but secret was not received$/);
    assert.equal(out.with_hash, 'ok');
    assert.equal(out.first_challenge, 'MFA_SETUP');
    assert.deepEqual(out.groups, ['staff']);
    assert.equal(out.token_client, true);
    assert.deepEqual(out.listed, [out.sub]);
    assert.equal(out.disabled, 'NotAuthorizedException: User is disabled.');
    assert.equal(out.enabled, 'SOFTWARE_TOKEN_MFA');
    assert.equal(out.invited_first, 'NEW_PASSWORD_REQUIRED');
    assert.equal(out.after_new_password, 'MFA_SETUP');
    assert.equal(out.after_lost_phone, 'MFA_SETUP');
    assert.match(out.after_delete, /^ResourceNotFoundException: User pool us-east-1_[A-Za-z0-9]{9} does not exist\.$/);
  });

  it('UpdateUserPool rewrites the settings; DeleteUserPool honours protection and the config', async () => {
    await rejectsWith(admin.send(new DeleteUserPoolCommand({ UserPoolId: server.poolId })),
      'InvalidParameterException',
      `User pool ${server.poolId} is declared by this server's configuration (amplify/auth.json): remove it there, not through the API.`);
    await rejectsWith(admin.send(new DeleteUserPoolCommand({ UserPoolId: poolId })), 'InvalidParameterException',
      `The user pool ${poolId} cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.`);
    await rejectsWith(admin.send(new DeleteUserPoolClientCommand({ UserPoolId: server.poolId, ClientId: server.clientId })),
      'InvalidParameterException',
      `User pool client ${server.clientId} is declared by this server's configuration (the app client in amplify_outputs.json): it cannot be deleted through the API.`);
    await admin.send(new UpdateUserPoolCommand({
      UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', DeletionProtection: 'INACTIVE',
      VerificationMessageTemplate: { EmailSubject: 'Changed subject', EmailMessage: BODY },
      Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 0 } },
    }));
    const { UserPool: p } = await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    assert.equal(p.MfaConfiguration, 'OPTIONAL');
    assert.equal(p.DeletionProtection, 'INACTIVE');
    assert.equal(p.VerificationMessageTemplate.EmailSubject, 'Changed subject');
    assert.equal(p.Policies.PasswordPolicy.RequireSymbols, true, 'a member left out returns to its default, as in Cognito');
    assert.equal(p.Policies.PasswordPolicy.TemporaryPasswordValidityDays, 7, '0 means unset, as in Cognito');
    assert.ok(p.SchemaAttributes.some((a) => a.Name === 'custom:plan'), 'the schema stays');
    await admin.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
    await rejectsWith(admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
      'ResourceNotFoundException', `User pool ${poolId} does not exist.`);
    await rejectsWith(pub.send(new InitiateAuthCommand({
      ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: STRONG_PASSWORD, SECRET_HASH: hash(email) },
    })), 'ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
    const listed = await admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.deepEqual(listed.UserPools.map((x) => x.Id), [server.poolId]);
    // The sandbox's own pool still works.
    const seedUser = uniqueEmail('seed');
    await pub.send(new SignUpCommand({ ClientId: server.clientId, Username: seedUser, Password: GOOD_PASSWORD }));
  });
});
