// The tokens a real `cognate` issues, checked the way an app's backend checks them: the JWKS and
// the OIDC discovery document fetched over HTTP, signatures verified with node:crypto and with
// aws-jwt-verify (JwtRsaVerifier for the default issuer <endpoint>/<poolId>; CognitoJwtVerifier
// for a `cognate serve` started with an AWS-format --issuer). aws-jwt-verify's Node fetcher only
// speaks https, so every verifier gets the JWKS fetched here through cacheJwks() and never
// downloads anything itself (each token verified has a kid that is in the cached JWKS).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { GetTokensFromRefreshTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwtBaseError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureError,
} from 'aws-jwt-verify/error';
import { cognitoClient, startSandbox } from './lib/cognate.mjs';
import {
  completeTotpSetup,
  decodeJwt,
  enrolledUser,
  flipPayloadChar,
  passwordAuth,
  serveHome,
  signUpConfirmed,
  tamperJwt,
} from './lib/sign_in.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${url}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return res.json();
}

function assertJwks(jwks) {
  assert.ok(Array.isArray(jwks.keys) && jwks.keys.length >= 1, 'at least one key');
  for (const key of jwks.keys) {
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.equal(key.e, 'AQAB');
    assert.match(key.kid, /^[A-Za-z0-9_-]+$/);
    assert.match(key.n, /^[A-Za-z0-9_-]{342,}$/, 'a 2048-bit or larger modulus, base64url');
    assert.equal(key.d, undefined, 'no private part');
  }
  assert.equal(new Set(jwks.keys.map((k) => k.kid)).size, jwks.keys.length, 'kids are unique');
}

/** Verifies the RS256 signature of `token` with the JWKS key its header names (node:crypto). */
function verifyWithNodeCrypto(token, jwks) {
  const [h, p, s] = token.split('.');
  const { kid, alg } = decodeJwt(token).header;
  assert.equal(alg, 'RS256');
  const jwk = jwks.keys.find((k) => k.kid === kid);
  assert.ok(jwk, `kid ${kid} is in the JWKS`);
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  return crypto.verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
}

/** Access token claims (§7.3): exactly these, with these values. */
function assertAccessClaims(payload, { issuer, clientId, sub }) {
  assert.deepEqual(Object.keys(payload).sort(), [
    'auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub',
    'token_use', 'username',
  ]);
  assert.equal(payload.iss, issuer);
  assert.equal(payload.sub, sub);
  assert.equal(payload.username, sub);
  assert.equal(payload.client_id, clientId);
  assert.equal(payload.token_use, 'access');
  assert.equal(payload.scope, 'aws.cognito.signin.user.admin');
  for (const claim of ['jti', 'origin_jti', 'event_id']) {
    assert.match(payload[claim], UUID, claim);
  }
  assert.equal(payload.exp - payload.iat, 3600);
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 120, 'iat is now');
  assert.ok(payload.auth_time <= payload.iat);
}

/** ID token claims (§7.2) for a native user of an e-mail pool. */
function assertIdClaims(payload, { issuer, clientId, sub, email }) {
  assert.deepEqual(Object.keys(payload).sort(), [
    'aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss',
    'jti', 'origin_jti', 'sub', 'token_use',
  ]);
  assert.equal(payload.iss, issuer);
  assert.equal(payload.sub, sub);
  assert.equal(payload['cognito:username'], sub);
  assert.equal(payload.aud, clientId);
  assert.equal(payload.token_use, 'id');
  assert.equal(payload.email, email);
  assert.equal(payload.email_verified, true, 'a JSON boolean in the token');
  assert.equal(payload.exp - payload.iat, 3600);
}

describe('tokens, JWKS and OIDC discovery (sandbox, aws-jwt-verify JwtRsaVerifier)', () => {
  let server;
  let client;
  let issuer;
  let jwks;
  let user;
  let accessVerifier;
  let idVerifier;

  before(async () => {
    server = await startSandbox();
    client = cognitoClient(server.endpoint);
    issuer = `${server.endpoint}/${server.poolId}`;
    user = await enrolledUser(client, server, 'tokens');
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('serves an OIDC discovery document whose issuer is <endpoint>/<poolId>, and the JWKS at its jwks_uri', async () => {
    const discovery = await getJson(`${issuer}/.well-known/openid-configuration`);
    assert.equal(discovery.issuer, issuer);
    assert.equal(discovery.jwks_uri, `${issuer}/.well-known/jwks.json`);
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
    jwks = await getJson(discovery.jwks_uri);
    assertJwks(jwks);

    const res = await fetch(`${server.endpoint}/us-east-1_NoSuchPool/.well-known/jwks.json`,
      { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 404, 'no JWKS for another pool id');
  });

  it('signs both tokens with RS256 keys from the JWKS (checked with node:crypto)', () => {
    for (const token of [user.tokens.AccessToken, user.tokens.IdToken]) {
      assert.equal(verifyWithNodeCrypto(token, jwks), true);
      assert.equal(verifyWithNodeCrypto(tamperJwt(token), jwks), false, 'a changed payload fails');
    }
  });

  it('passes JwtRsaVerifier for the access token (token_use access, client_id) with the Cognito claims', async () => {
    accessVerifier = JwtRsaVerifier.create({
      issuer,
      audience: null, // access tokens carry client_id, not aud
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') {
          throw new Error(`token_use ${payload.token_use}, want access`);
        }
        if (payload.client_id !== server.clientId) {
          throw new Error(`client_id ${payload.client_id}, want ${server.clientId}`);
        }
      },
    });
    accessVerifier.cacheJwks(jwks);
    const payload = await accessVerifier.verify(user.tokens.AccessToken);
    assertAccessClaims(payload, { issuer, clientId: server.clientId, sub: user.sub });
  });

  it('passes JwtRsaVerifier for the ID token (audience = client id) with the Cognito claims', async () => {
    idVerifier = JwtRsaVerifier.create({
      issuer,
      audience: server.clientId,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') {
          throw new Error(`token_use ${payload.token_use}, want id`);
        }
      },
    });
    idVerifier.cacheJwks(jwks);
    const payload = await idVerifier.verify(user.tokens.IdToken);
    assertIdClaims(payload, { issuer, clientId: server.clientId, sub: user.sub, email: user.email });
    const access = decodeJwt(user.tokens.AccessToken).payload;
    assert.equal(payload.origin_jti, access.origin_jti, 'one sign-in: one origin_jti');
    assert.equal(payload.event_id, access.event_id, 'one sign-in: one event_id');
    assert.equal(payload.auth_time, access.auth_time);
    assert.notEqual(payload.jti, access.jti);
  });

  it('rejects tampered tokens, the wrong token_use, audience and issuer', async () => {
    await assert.rejects(accessVerifier.verify(tamperJwt(user.tokens.AccessToken)), JwtInvalidSignatureError);
    await assert.rejects(accessVerifier.verify(flipPayloadChar(user.tokens.AccessToken)), JwtBaseError);
    await assert.rejects(idVerifier.verify(tamperJwt(user.tokens.IdToken, { email: 'mallory@example.com' })),
      JwtInvalidSignatureError);
    await assert.rejects(accessVerifier.verify(user.tokens.IdToken), /token_use id, want access/);
    await assert.rejects(idVerifier.verify(user.tokens.AccessToken), JwtInvalidAudienceError);

    const otherAudience = JwtRsaVerifier.create({ issuer, audience: 'another-client', jwksUri: `${issuer}/.well-known/jwks.json` });
    otherAudience.cacheJwks(jwks);
    await assert.rejects(otherAudience.verify(user.tokens.IdToken), JwtInvalidAudienceError);

    const otherIssuer = `${issuer}-other`;
    const otherIssuerVerifier = JwtRsaVerifier.create({
      issuer: otherIssuer, audience: null, jwksUri: `${otherIssuer}/.well-known/jwks.json`,
    });
    otherIssuerVerifier.cacheJwks(jwks);
    await assert.rejects(otherIssuerVerifier.verify(user.tokens.AccessToken), JwtInvalidIssuerError);
  });

  it('issues refreshed tokens that verify the same way and keep origin_jti and auth_time', async () => {
    const res = await client.send(new GetTokensFromRefreshTokenCommand({
      ClientId: server.clientId,
      RefreshToken: user.tokens.RefreshToken,
    }));
    const access = await accessVerifier.verify(res.AuthenticationResult.AccessToken);
    const id = await idVerifier.verify(res.AuthenticationResult.IdToken);
    const before = decodeJwt(user.tokens.AccessToken).payload;
    assertAccessClaims(access, { issuer, clientId: server.clientId, sub: user.sub });
    assertIdClaims(id, { issuer, clientId: server.clientId, sub: user.sub, email: user.email });
    assert.equal(access.origin_jti, before.origin_jti);
    assert.equal(id.origin_jti, before.origin_jti);
    assert.equal(access.auth_time, before.auth_time);
  });
});

describe('CognitoJwtVerifier against `cognate serve --issuer https://cognito-idp.us-east-1.amazonaws.com/<poolId>`', () => {
  let home;
  let server;
  let client;

  before(async () => {
    // The pool id is made at the first start; restart on the same database with it in --issuer.
    home = await serveHome();
    const first = await home.start();
    assert.match(first.poolId ?? '', /^us-east-1_[A-Za-z0-9]+$/, first.output());
    await first.stop();
    server = await home.start([
      '--issuer', `https://cognito-idp.us-east-1.amazonaws.com/${first.poolId}`,
      '--allow-user-password-auth',
    ]);
    assert.equal(server.poolId, first.poolId, 'the same pool after a restart');
    assert.equal(server.clientId, first.clientId);
    assert.match(server.output(), /user pool\s+\S+ \(reused\)/);
    client = cognitoClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await home?.remove();
  });

  it('issues tokens that CognitoJwtVerifier accepts with the JWKS preloaded', async () => {
    const awsIssuer = `https://cognito-idp.us-east-1.amazonaws.com/${server.poolId}`;
    const discovery = await getJson(`${server.endpoint}/${server.poolId}/.well-known/openid-configuration`);
    assert.equal(discovery.issuer, awsIssuer);
    const jwks = await getJson(`${server.endpoint}/${server.poolId}/.well-known/jwks.json`);
    assertJwks(jwks);

    const email = `cognito-verifier-${process.pid}@example.com`;
    const sub = await signUpConfirmed(client, server, email);
    const { result } = await completeTotpSetup(client, server, await passwordAuth(client, server, email));
    const tokens = result.AuthenticationResult;

    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: server.poolId, tokenUse: 'access', clientId: server.clientId });
    accessVerifier.cacheJwks(jwks);
    const access = await accessVerifier.verify(tokens.AccessToken);
    assertAccessClaims(access, { issuer: awsIssuer, clientId: server.clientId, sub });

    const idVerifier = CognitoJwtVerifier.create({ userPoolId: server.poolId, tokenUse: 'id', clientId: server.clientId });
    idVerifier.cacheJwks(jwks);
    const id = await idVerifier.verify(tokens.IdToken);
    assertIdClaims(id, { issuer: awsIssuer, clientId: server.clientId, sub, email });

    await assert.rejects(accessVerifier.verify(tokens.IdToken), CognitoJwtInvalidTokenUseError);
    await assert.rejects(idVerifier.verify(tamperJwt(tokens.IdToken)), JwtInvalidSignatureError);
    const otherClient = CognitoJwtVerifier.create({ userPoolId: server.poolId, tokenUse: 'access', clientId: 'another-client' });
    otherClient.cacheJwks(jwks);
    await assert.rejects(otherClient.verify(tokens.AccessToken), CognitoJwtInvalidClientIdError);
  });
});
