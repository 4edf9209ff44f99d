// A test certificate authority made with Debian's openssl, for the HTTPS tests (the API suite and
// the browser suite use it): a CA, and server certificates for 127.0.0.1 signed by it. Nothing is
// trusted system-wide; each client is given the CA (or the server key's pin) explicitly.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const execFileP = promisify(execFile);
export const OPENSSL = process.env.COGNATE_TEST_OPENSSL ?? '/usr/bin/openssl';

const openssl = (args, cwd) => execFileP(OPENSSL, args, { cwd, timeout: 20_000 });

/** Makes `dir`/ca.pem (+ ca.key). Resolves to { dir, caFile, ca (PEM text) }. */
export async function makeTestCa(dir) {
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Cognate Test CA'], dir);
  return { dir, caFile: path.join(dir, 'ca.pem'), ca: await fs.readFile(path.join(dir, 'ca.pem'), 'utf8') };
}

/**
 * A server certificate for 127.0.0.1 signed by the CA in `dir`, as NAME.pem and NAME.key. Resolves
 * to { certFile, keyFile, serial (hex, upper case), spki (base64 SHA-256 of the public key) }.
 */
export async function makeServerCert(dir, name = 'server') {
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=127.0.0.1 ${name}`], dir);
  await fs.writeFile(path.join(dir, `${name}.ext`),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n' +
    'extendedKeyUsage=serverAuth\n');
  const serial = crypto.randomBytes(8).toString('hex').toUpperCase().replace(/^0+/, '') || '1';
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-set_serial', `0x${serial}`, '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
  const certFile = path.join(dir, `${name}.pem`);
  const cert = new crypto.X509Certificate(await fs.readFile(certFile));
  const spki = crypto.createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return { certFile, keyFile: path.join(dir, `${name}.key`), serial: cert.serialNumber, spki };
}
