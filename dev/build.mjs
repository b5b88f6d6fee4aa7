// Builds the two bundles GitHub runs: dist/index.js (main) and dist/post/index.js (post).
// ncc minifies (-m) to keep the download small; it type-checks as it goes, tests included.
// tsconfig's `paths` keeps undici and @actions/exec out of the bundles (see src/shims/ and
// the README's Performance section). ncc can "succeed" with stubs that only fail at run
// time, so the bundles are searched for them here and run by the tests.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ncc = `${root}node_modules/@vercel/ncc/dist/ncc/cli.js`;
const builds = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/post.ts', out: 'dist/post' },
];

rmSync(`${root}dist`, { recursive: true, force: true });
for (const { entry, out } of builds) {
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '-m', '-q', '--license', 'licenses.txt'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const file = `${root}${out}/index.js`;
  const text = readFileSync(file, 'utf8');
  if (/eval\("require"\)|__nccwpck_require__\.ab \+ "[^"]*\.node"/.test(text)) {
    throw new Error(`${out}/index.js contains an unresolved module stub`);
  }
  console.log(`${out}/index.js: ${statSync(file).size} bytes`);
}
