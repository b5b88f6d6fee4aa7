// @ts-check
// Builds the one bundle GitHub runs, and the three small entries that call it: dist/main.js
// (action.yml `runs.main`), dist/post.js (`runs.post`) and dist/domo-token.js (the command
// token-command installs). Each entry calls one export of dist/index.js, so the post step is
// told apart by how it is started, never by what state it finds. ncc minifies to keep the
// download small; it type-checks as it goes. tsconfig's `paths` puts small stand-ins for
// @actions/core and @actions/http-client in the bundle instead of their entry points, which
// carry code the action never runs (see src/shims/ and docs/performance.md).
//
// The bundle is CommonJS (dist/package.json says so), built through ncc's Node API, as its
// command line has no switch for it: on Node 24 the same bundle starts 2-5 ms sooner as
// CommonJS than as ESM (docs/performance.md). ncc can "succeed" with stubs that only fail at
// run time, so the bundle is searched for them here and run by the tests.
// @ts-expect-error -- @vercel/ncc ships no types: `ncc` below has those of what this script uses.
import nccApi from '@vercel/ncc';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ esm: boolean, minify: boolean, quiet: boolean, license: string }} NccOptions
 * @typedef {{ code: string, assets: Record<string, { source: string | Buffer }> }} NccOutput
 */
/** @type {(entry: string, options: NccOptions) => Promise<NccOutput>} */
const ncc = nccApi;

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

/** The entries: file name → the export of dist/index.js it runs. */
const ENTRIES = { 'main.js': 'main', 'post.js': 'post', 'domo-token.js': 'tokenCommand' };

process.chdir(root);
const { code, assets } = await ncc(`${root}src/index.ts`, {
  esm: false,
  minify: true,
  quiet: true,
  license: 'licenses.txt',
});
if (/eval\("require"\)|__nccwpck_require__\.ab \+ "[^"]*\.node"/.test(code)) {
  throw new Error('dist/index.js contains an unresolved module stub');
}
// Only Node's own modules may be left to require() at run time: nothing else ships.
const required = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map(
  (m) => /** @type {string} */ (m[1]),
);
const missing = required.filter((name) => !isBuiltin(name));
if (missing.length) throw new Error(`dist/index.js requires what it does not hold: ${missing}`);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
writeFileSync(`${dist}/index.js`, code);
for (const [file, name] of Object.entries(ENTRIES)) {
  writeFileSync(`${dist}/${file}`, `'use strict';\nrequire('./index.js').${name}();\n`);
}
for (const [name, { source }] of Object.entries(assets)) writeFileSync(`${dist}/${name}`, source);
writeFileSync(`${dist}/package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);
// src/shims/core.ts follows @actions/core's code, which ncc no longer sees: its licence too.
const coreLicense = readFileSync(`${root}node_modules/@actions/core/LICENSE.md`, 'utf8');
appendFileSync(`${dist}/licenses.txt`, `\n@actions/core\nMIT\n${coreLicense.trim()}\n`);
console.log(`dist/index.js: ${statSync(`${dist}/index.js`).size} bytes`);
