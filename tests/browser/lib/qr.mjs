// Decodes a QR code from a PNG with Debian's zbarimg (package zbar-tools), as a phone camera
// would read it off the screen.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
export const ZBARIMG = process.env.ZBARIMG ?? '/usr/bin/zbarimg';

/** Resolves to the text of every QR code zbarimg finds in `pngFile` (array). */
export async function decodeQr(pngFile) {
  let stdout;
  try {
    ({ stdout } = await execFileP(ZBARIMG, ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', pngFile], {
      timeout: 10_000,
    }));
  } catch (e) {
    // exit status 4: no symbol found
    if (e.code === 4) {
      return [];
    }
    throw new Error(`${ZBARIMG} failed on ${pngFile}: ${e.message}\n${e.stderr ?? ''}`);
  }
  return stdout.split('\n').filter((line) => line.length > 0);
}
