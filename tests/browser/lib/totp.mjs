// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s step, T0 = 0) as authenticator apps compute it from
// the otpauth URI the Authenticator shows (which carries no algorithm/digits/period).
import crypto from 'node:crypto';

/** RFC 4648 base32 (upper case, '=' padding optional) to bytes. */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) {
      throw new Error(`not base32: ${JSON.stringify(ch)} in ${text}`);
    }
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const stepOf = (timeMs) => Math.floor(timeMs / 1000 / 30);

/** The 6-digit TOTP code of `secret` (base32) for 30 s step `step`. */
export function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, '0');
}
