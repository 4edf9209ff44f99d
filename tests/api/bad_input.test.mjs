// Bad requests sent with raw fetch and raw TCP to a real `cognate sandbox`: each gets a
// Cognito-style error (status, __type, x-amzn-ErrorType, x-amzn-RequestId) and the server stays
// up. Also CORS: preflight and the headers on every POST response.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { GOOD_PASSWORD, rawCall, startSandbox, uniqueEmail } from './lib/cognate.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_JSON = /^Request body is not valid JSON\b/;
const NOT_OBJECT = 'Request body must be a JSON object.';
const TOO_DEEP = 'Request body is nested deeper than 16 levels.';
const TOO_BIG = 'Request body is larger than the 65536-byte limit.';
const nullAt = (member) =>
  `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`;

/**
 * Writes `bytes` to a new TCP connection and collects the answer. Resolves when one complete
 * HTTP response has arrived, when the server closes, or after `timeoutMs` ({ timedOut: true }).
 * Resolves to { status, headers (Map, lower-case names), body, closed, timedOut, raw }.
 */
function rawTcp(endpoint, chunks, { timeoutMs = 5_000 } = {}) {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (extra) => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(data), raw: data, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true, closed: false }), timeoutMs);
    socket.on('connect', async () => {
      for (const chunk of [].concat(chunks)) {
        if (done || socket.destroyed) {
          return;
        }
        // The server may answer and close before it read everything (e.g. 413); that is fine.
        await new Promise((r) => socket.write(chunk, () => r()));
      }
    });
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const parsed = parseResponse(data);
      if (parsed.complete) {
        finish({ timedOut: false, closed: false });
      }
    });
    socket.on('error', () => finish({ timedOut: false, closed: true }));
    socket.on('close', () => finish({ timedOut: false, closed: true }));
  });
}

function parseResponse(data) {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) {
    return { complete: false };
  }
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
  const headers = new Map();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = Number(headers.get('content-length') ?? 0);
  const body = data.subarray(end + 4, end + 4 + length).toString('utf8');
  return { complete: data.length >= end + 4 + length, status, headers, body };
}

/** One raw HTTP/1.1 request as bytes. */
function httpRequest(endpoint, { target, body = '', headers = {} } = {}) {
  const { host } = new URL(endpoint);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const head = [
    'POST / HTTP/1.1',
    `Host: ${host}`,
    'Content-Type: application/x-amz-json-1.1',
    ...(target ? [`X-Amz-Target: AWSCognitoIdentityProviderService.${target}`] : []),
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...(headers['Transfer-Encoding'] || headers['Content-Length'] ? [] : [`Content-Length: ${payload.length}`]),
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** A 1 MiB JSON document (a single long string member). */
const oneMiB = () => `{"ClientId":"${'x'.repeat(1 << 20)}"}`;

describe('bad input (raw HTTP against a sandbox)', () => {
  let server;

  before(async () => {
    server = await startSandbox();
  });

  after(async () => {
    await server?.stop();
  });

  // Each row: name, a request (fetch through rawCall, or raw bytes over TCP), and the answer.
  const rows = [
    {
      name: 'malformed JSON',
      send: (s) => rawCall(s.endpoint, 'SignUp', '{"ClientId":'),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'JSON with trailing garbage',
      send: (s) => rawCall(s.endpoint, 'SignUp', '{"ClientId":"a"} x'),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'a JSON array instead of an object',
      send: (s) => rawCall(s.endpoint, 'SignUp', JSON.stringify([{ ClientId: s.clientId }])),
      status: 400, type: 'SerializationException', message: NOT_OBJECT,
    },
    {
      name: 'a JSON string instead of an object',
      send: (s) => rawCall(s.endpoint, 'SignUp', '"SignUp"'),
      status: 400, type: 'SerializationException', message: NOT_OBJECT,
    },
    {
      name: 'JSON null instead of an object',
      send: (s) => rawCall(s.endpoint, 'SignUp', 'null'),
      status: 400, type: 'SerializationException', message: NOT_OBJECT,
    },
    {
      name: 'non-UTF-8 bytes inside a string',
      send: (s) => rawCall(s.endpoint, 'SignUp', Buffer.concat([
        Buffer.from(`{"ClientId":"${s.clientId}","Username":"`),
        Buffer.from([0xff, 0xfe, 0x41]),
        Buffer.from(`@example.com","Password":"${GOOD_PASSWORD}"}`),
      ])),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'an overlong UTF-8 encoding inside a string',
      send: (s) => rawCall(s.endpoint, 'SignUp', Buffer.concat([
        Buffer.from(`{"ClientId":"${s.clientId}","Username":"`),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from(`x@example.com","Password":"${GOOD_PASSWORD}"}`),
      ])),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'a lone UTF-16 surrogate escape',
      send: (s) => rawCall(s.endpoint, 'SignUp',
        `{"ClientId":"${s.clientId}","Username":"\\ud800@example.com","Password":"${GOOD_PASSWORD}"}`),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'JSON nested 1000 levels deep',
      send: (s) => rawCall(s.endpoint, 'SignUp', `{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`),
      status: 400, type: 'SerializationException', message: TOO_DEEP,
    },
    {
      name: 'JSON nested 100000 levels deep (unclosed)',
      send: (s) => rawCall(s.endpoint, 'SignUp', '['.repeat(60_000)),
      status: 400, type: 'SerializationException', message: TOO_DEEP,
    },
    {
      name: 'ClientId is a number',
      send: (s) => rawCall(s.endpoint, 'SignUp', { ClientId: 5, Username: 'a@example.com', Password: GOOD_PASSWORD }),
      status: 400, type: 'SerializationException', message: "Member 'ClientId' must be a string, got a number.",
    },
    {
      name: 'Username is an array',
      send: (s) => rawCall(s.endpoint, 'SignUp',
        { ClientId: s.clientId, Username: ['a@example.com'], Password: GOOD_PASSWORD }),
      status: 400, type: 'SerializationException', message: "Member 'Username' must be a string, got an array.",
    },
    {
      name: 'UserAttributes is an object',
      send: (s) => rawCall(s.endpoint, 'SignUp',
        { ClientId: s.clientId, Username: 'a@example.com', Password: GOOD_PASSWORD, UserAttributes: { email: 'a@example.com' } }),
      status: 400, type: 'SerializationException', message: "Member 'UserAttributes' must be an array, got an object.",
    },
    {
      name: 'an attribute Value is a number',
      send: (s) => rawCall(s.endpoint, 'SignUp',
        { ClientId: s.clientId, Username: 'a@example.com', Password: GOOD_PASSWORD, UserAttributes: [{ Name: 'email', Value: 1 }] }),
      status: 400, type: 'SerializationException', message: "Member 'Value' must be a string, got a number.",
    },
    {
      name: 'ConfirmationCode is a number',
      send: (s) => rawCall(s.endpoint, 'ConfirmSignUp',
        { ClientId: s.clientId, Username: 'a@example.com', ConfirmationCode: 123456 }),
      status: 400, type: 'SerializationException', message: "Member 'ConfirmationCode' must be a string, got a number.",
    },
    {
      name: 'ClientId missing',
      send: (s) => rawCall(s.endpoint, 'SignUp', { Username: 'a@example.com', Password: GOOD_PASSWORD }),
      status: 400, type: 'InvalidParameterException', message: nullAt('clientId'),
    },
    {
      name: 'ClientId null (treated as missing)',
      send: (s) => rawCall(s.endpoint, 'SignUp', { ClientId: null, Username: 'a@example.com', Password: GOOD_PASSWORD }),
      status: 400, type: 'InvalidParameterException', message: nullAt('clientId'),
    },
    {
      name: 'an empty object for ResendConfirmationCode',
      send: (s) => rawCall(s.endpoint, 'ResendConfirmationCode', {}),
      status: 400, type: 'InvalidParameterException', message: nullAt('clientId'),
    },
    {
      name: 'Username missing',
      send: (s) => rawCall(s.endpoint, 'ResendConfirmationCode', { ClientId: s.clientId }),
      status: 400, type: 'InvalidParameterException', message: nullAt('username'),
    },
    {
      name: 'ConfirmationCode missing',
      send: (s) => rawCall(s.endpoint, 'ConfirmSignUp', { ClientId: s.clientId, Username: 'a@example.com' }),
      status: 400, type: 'InvalidParameterException', message: nullAt('confirmationCode'),
    },
    {
      name: 'an unknown operation',
      send: (s) => rawCall(s.endpoint, 'NoSuchOperation', {}),
      status: 400, type: 'UnknownOperationException',
      message: 'Operation NoSuchOperation is not supported by this server.',
    },
    {
      name: "another service's X-Amz-Target",
      send: (s) => rawCall(s.endpoint, 'DynamoDB_20120810.ListTables', {}),
      status: 400, type: 'UnknownOperationException',
      message: 'Unknown X-Amz-Target; expected AWSCognitoIdentityProviderService.<Operation>.',
    },
    {
      name: 'no X-Amz-Target header',
      send: (s) => rawCall(s.endpoint, null, { ClientId: s.clientId }),
      status: 400, type: 'UnknownOperationException', message: 'Missing X-Amz-Target header.',
    },
    {
      name: 'an empty body',
      send: (s) => rawCall(s.endpoint, 'SignUp', ''),
      status: 400, type: 'SerializationException', message: NOT_JSON,
    },
    {
      name: 'a 1 MiB body',
      send: (s) => rawCall(s.endpoint, 'SignUp', oneMiB()),
      status: 413, type: 'InvalidParameterException', message: TOO_BIG,
    },
    {
      name: 'a 1 MiB chunked body (no Content-Length)',
      send: (s) => {
        const body = Buffer.from(oneMiB());
        const chunks = [httpRequest(s.endpoint, { target: 'SignUp', headers: { 'Transfer-Encoding': 'chunked' } })];
        for (let i = 0; i < body.length; i += 16_384) {
          const piece = body.subarray(i, i + 16_384);
          chunks.push(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
        }
        chunks.push(Buffer.from('0\r\n\r\n'));
        return rawTcp(s.endpoint, chunks);
      },
      status: 413, type: 'InvalidParameterException', message: TOO_BIG,
    },
    {
      name: 'a Content-Length above the limit, announced before any body byte',
      send: (s) => rawTcp(s.endpoint,
        httpRequest(s.endpoint, { target: 'SignUp', headers: { 'Content-Length': String(1 << 30) } })),
      status: 413, type: 'InvalidParameterException', message: TOO_BIG,
    },
    {
      name: 'a 100 kB header',
      send: (s) => rawTcp(s.endpoint, httpRequest(s.endpoint, {
        target: 'SignUp', body: '{}', headers: { 'X-Big': 'a'.repeat(100_000) },
      })),
      status: 400, type: 'SerializationException', message: 'Malformed HTTP request: header limit exceeded',
    },
  ];

  for (const row of rows) {
    it(`answers ${row.status} ${row.type} to ${row.name}`, async () => {
      const res = await row.send(server);
      assert.ok(!res.timedOut, 'the server answered within 5 s');
      const headers = res.headers instanceof Map ? res.headers : new Map(res.headers);
      const body = res.json ?? JSON.parse(res.body ?? res.text);
      assert.equal(res.status, row.status, `HTTP status (body: ${JSON.stringify(body)})`);
      assert.equal(body.__type, row.type);
      if (row.message instanceof RegExp) {
        assert.match(body.message, row.message);
      } else {
        assert.equal(body.message, row.message);
      }
      assert.deepEqual(Object.keys(body).sort(), ['__type', 'message']);
      assert.equal(headers.get('x-amzn-errortype'), row.type);
      assert.match(headers.get('x-amzn-requestid') ?? '', UUID);
      assert.equal(headers.get('content-type'), 'application/x-amz-json-1.1');
      assert.equal(headers.get('access-control-allow-origin'), '*');
    });
  }

  for (const [name, bytes] of [
    ['a TLS ClientHello', Buffer.from('16030100a5010000a10303' + '00'.repeat(64), 'hex')],
    ['a line of text that is not HTTP', Buffer.from('HELLO THERE, THIS IS NOT HTTP\r\n\r\n')],
    ['random binary bytes', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 73 + 11) % 256))],
    ['a request line with a bad version', Buffer.from('POST / HTTP/7.3\r\nHost: x\r\n\r\n')],
    ['a header line without a colon', Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n')],
    ['a negative Content-Length', Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}')],
    ['two different Content-Length headers', Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x')],
  ]) {
    it(`answers 400 or closes the connection, without hanging, on ${name}`, async () => {
      const res = await rawTcp(server.endpoint, bytes);
      assert.ok(!res.timedOut, `no answer and no close within 5 s (got ${JSON.stringify(res.raw.toString('latin1'))})`);
      if (res.raw.length > 0) {
        assert.equal(res.status, 400, `response: ${res.raw.toString('latin1').slice(0, 300)}`);
      } else {
        assert.ok(res.closed);
      }
    });
  }

  it('serves other clients while one connection sits on half a request', async () => {
    const { hostname, port } = new URL(server.endpoint);
    const idle = net.connect({ host: hostname, port: Number(port) });
    try {
      await new Promise((resolve, reject) => {
        idle.once('connect', resolve);
        idle.once('error', reject);
      });
      idle.on('error', () => {});
      idle.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"Cli');
      const res = await fetch(`${server.endpoint}/health`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 200);
    } finally {
      idle.destroy();
    }
  });

  it('is still up after all of the above: /health answers and a valid SignUp works', async () => {
    assert.equal(server.exitInfo(), null, `the server process exited:\n${server.errorOutput()}`);
    const health = await fetch(`${server.endpoint}/health`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const email = uniqueEmail('survivor');
    const res = await rawCall(server.endpoint, 'SignUp', {
      ClientId: server.clientId,
      Username: email,
      Password: GOOD_PASSWORD,
      ValidationData: null, // amazon-cognito-identity-js sends this; null means absent
      UnknownMember: { ignored: true },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.UserConfirmed, false);
    assert.match(res.json.UserSub, UUID);
    assert.match(res.headers.get('x-amzn-requestid') ?? '', UUID);
    assert.equal(res.headers.get('x-amzn-errortype'), null);
    assert.equal(server.exitInfo(), null);
  });
});

describe('CORS', () => {
  let server;
  const origin = 'http://localhost:5173';

  before(async () => {
    server = await startSandbox();
  });

  after(async () => {
    await server?.stop();
  });

  const listOf = (value) => (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

  function assertCorsOnPost(res) {
    const allow = res.headers.get('access-control-allow-origin');
    assert.ok(allow === origin || allow === '*', `Access-Control-Allow-Origin: ${allow}`);
    const expose = listOf(res.headers.get('access-control-expose-headers'));
    for (const h of ['x-amzn-errortype', 'x-amzn-requestid', 'x-amzn-errormessage']) {
      assert.ok(expose.includes(h), `Access-Control-Expose-Headers lists ${h}: ${expose}`);
    }
  }

  it('answers a preflight with 204, the origin, the headers the Cognito clients send and POST, nothing more', async () => {
    // What Amplify v6, SDK v3 and identity-js send (shared/protocol/*-requests.json), SigV4's.
    const clientHeaders = [
      'content-type', 'x-amz-target', 'x-amz-user-agent', 'cache-control', 'pragma',
      'amz-sdk-invocation-id', 'amz-sdk-request', 'authorization', 'x-amz-date',
      'x-amz-security-token', 'x-amz-content-sha256',
    ];
    const res = await fetch(`${server.endpoint}/`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': [...clientHeaders, 'x-app-custom'].join(','),
      },
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    const allow = res.headers.get('access-control-allow-origin');
    assert.ok(allow === origin || allow === '*', `Access-Control-Allow-Origin: ${allow}`);
    const allowHeaders = listOf(res.headers.get('access-control-allow-headers'));
    for (const h of clientHeaders) {
      assert.ok(allowHeaders.includes(h), `Access-Control-Allow-Headers lists ${h}: ${allowHeaders}`);
    }
    // A header no Cognito client sends is not allowed just because a page asks for it.
    assert.ok(!allowHeaders.includes('x-app-custom'), `Access-Control-Allow-Headers: ${allowHeaders}`);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    const methods = listOf(res.headers.get('access-control-allow-methods')).map((m) => m.toUpperCase());
    assert.deepEqual(methods.sort(), ['GET', 'OPTIONS', 'POST']);
    assert.ok(Number(res.headers.get('access-control-max-age')) > 0, 'Access-Control-Max-Age is set');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers a preflight on any path without request headers with the SDK headers allowed', async () => {
    const res = await fetch(`${server.endpoint}/some/prefix`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(res.status, 204);
    const allowHeaders = listOf(res.headers.get('access-control-allow-headers'));
    for (const h of ['content-type', 'x-amz-target', 'x-amz-user-agent']) {
      assert.ok(allowHeaders.includes(h), `Access-Control-Allow-Headers lists ${h}: ${allowHeaders}`);
    }
  });

  it('puts Allow-Origin and Expose-Headers on a successful POST', async () => {
    const res = await rawCall(server.endpoint, 'SignUp',
      { ClientId: server.clientId, Username: uniqueEmail('cors'), Password: GOOD_PASSWORD },
      { headers: { Origin: origin } });
    assert.equal(res.status, 200, res.text);
    assertCorsOnPost(res);
  });

  it('puts Allow-Origin and Expose-Headers on an error POST', async () => {
    const res = await rawCall(server.endpoint, 'SignUp',
      { ClientId: server.clientId, Username: 'not-an-email', Password: GOOD_PASSWORD },
      { headers: { Origin: origin } });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'InvalidParameterException');
    assertCorsOnPost(res);
  });

  it('puts Allow-Origin and Expose-Headers on a 413 answer', async () => {
    const res = await rawCall(server.endpoint, 'SignUp', oneMiB(), { headers: { Origin: origin } });
    assert.equal(res.status, 413);
    assertCorsOnPost(res);
  });
});
