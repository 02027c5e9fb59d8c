import fs from 'node:fs';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const CHROMIUM = '/usr/bin/chromium';

/** Tests that need a real part fail loudly when it is missing; npm test installs it first. */
export function requireBinary(path: string, pkg: string): string {
  if (!fs.existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm test\` (it installs ${pkg}) or \`apt-get install ${pkg}\``);
  }
  return path;
}
