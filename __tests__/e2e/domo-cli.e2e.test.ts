/**
 * Domo's own CLI (npm package ryuu, pinned in dev/domo-cli) against the simulator: with a login
 * file written as the contract's login mode writes it, `domo publish` publishes a one-file app
 * with that developer token, and without one it publishes nothing. The CLI talks https only,
 * so the simulator serves a throwaway certificate that the CLI is told to trust.
 *
 * Skipped, saying why, when the CLI is not installed (`npm ci --prefix dev/domo-cli`) or there
 * is no openssl to make the certificate.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../dev/certificate.mjs';
import { domoCliPath, runDomo, type DomoRun } from '../../dev/domo-cli/cli.mjs';
import { startSimulator, type RecordedRequest, type Simulator } from '../../dev/simulator.mjs';
import { action, runStep, type StepResult } from '../../dev/runner.mjs';
import { expectNoLeaks } from './helpers.js';

const missing = !domoCliPath()
  ? 'the Domo CLI is not installed (npm ci --prefix dev/domo-cli)'
  : spawnSync('openssl', ['version']).status !== 0
    ? 'no openssl to make a certificate'
    : undefined;
const cliTest = missing ? test.skip : test;
const named = (name: string): string => (missing ? `${name}: SKIPPED, ${missing}` : name);

const DEV_TOKEN = 'sim-developer-token';
const PUBLISHING = new Set(['create-design', 'get-design', 'upload-asset']);
const MANIFEST = { name: 'hello', version: '1.0.0', size: { width: 2, height: 2 } };

interface Workspace {
  root: string;
  /** An empty HOME. */
  home: string;
  /** A folder for XDG_CONFIG_HOME, elsewhere than HOME/.config. */
  xdg: string;
  /** A one-file app: manifest.json (no id yet) and index.html. */
  app: string;
}

const roots: string[] = [];
function workspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'domo-cli-'));
  roots.push(root);
  const [home, xdg, app] = ['home', 'xdg', 'app'].map((name) => join(root, name)) as [
    string,
    string,
    string,
  ];
  for (const dir of [home, xdg, app]) mkdirSync(dir);
  writeFileSync(join(app, 'manifest.json'), JSON.stringify(MANIFEST));
  writeFileSync(join(app, 'index.html'), '<p>Hello from CI</p>\n');
  return { root, home, xdg, app };
}

/**
 * The CLI's login for `host`, as the contract's login mode writes it: under `configDir` (HOME's
 * .config, or XDG_CONFIG_HOME) in configstore/ryuu/<host>.json, folders made as needed, the
 * file readable by its owner only. Returns its path.
 */
function writeLogin(configDir: string, host: string, token: string): string {
  const dir = join(configDir, 'configstore', 'ryuu');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${host}.json`);
  writeFileSync(file, JSON.stringify({ instance: host, refreshToken: token, devToken: true }), {
    mode: 0o600,
  });
  return file;
}

interface Published {
  run: DomoRun;
  /** The publishing requests the simulator saw while the CLI ran. */
  requests: RecordedRequest[];
  /** manifest.json as the CLI left it. */
  manifest: Record<string, unknown>;
}

/**
 * Runs `domo publish` in `app` with HOME `home` (and XDG_CONFIG_HOME `xdg` when given), trusting
 * `caFile`: what it printed, the publishing requests `sim` saw meanwhile, and manifest.json after.
 */
async function publishApp(options: {
  sim: Simulator;
  caFile: string;
  home: string;
  app: string;
  xdg?: string;
}): Promise<Published> {
  const { sim, caFile, home, app, xdg } = options;
  const before = sim.requests.length;
  const run = await runDomo(['publish'], { home, xdgConfigHome: xdg, caFile, cwd: app });
  const requests = sim.requests.slice(before).filter((r) => PUBLISHING.has(r.route));
  const manifest = JSON.parse(
    readFileSync(join(app, 'manifest.json'), 'utf8'),
  ) as Published['manifest'];
  return { run, requests, manifest };
}

/** What a one-file app's first publish sends, as METHOD PATH?path=FILE. */
const firstPublish = (id: string): string[] => [
  'POST /api/apps/v1/designs?path=manifest.json',
  `POST /api/apps/v1/designs/${id}/versions/1.0.0/assets?path=manifest.json`,
  `POST /api/apps/v1/designs/${id}/versions/1.0.0/assets?path=index.html`,
];
const shown = (r: RecordedRequest): string => `${r.method} ${r.path}?path=${r.query.path}`;

let sim: Simulator;
let other: Simulator;
let certDir: string;
let caFile: string;
/** The instance as the CLI names it: host and port, which is also the login file's name. */
let host: string;

beforeAll(async () => {
  if (missing) return;
  certDir = mkdtempSync(join(tmpdir(), 'domo-cli-cert-'));
  const certificate = selfSignedCertificate(certDir);
  caFile = certificate.certFile;
  const tls = { key: certificate.key, cert: certificate.cert };
  sim = await startSimulator({ tls });
  other = await startSimulator({ tls });
  host = new URL(sim.url).host;
});
afterEach(() => {
  sim?.reset();
  other?.reset();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
afterAll(async () => {
  await sim?.close();
  await other?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe('domo publish (ryuu 4.4.14) with the login file of the contract', () => {
  cliTest.each<[string, () => string]>([
    ['a developer token the instance knows', () => DEV_TOKEN],
    [
      'an access token the instance issued, as login mode mints one',
      () => sim.addAccessTokens([{ name: 'a job token' }])[0]!.token,
    ],
  ])(
    named('holding %s: published with that token, the id written to manifest.json'),
    async (_, tokenOf) => {
      const w = workspace();
      const token = tokenOf();
      writeLogin(join(w.home, '.config'), host, token);
      const { run, requests, manifest } = await publishApp({
        sim,
        caFile,
        home: w.home,
        app: w.app,
      });
      expect(run).toMatchObject({ code: 0, timedOut: false });
      const [design] = sim.designs;
      expect(requests.map(shown)).toEqual(firstPublish(design!.id));
      expect(requests.map((r) => r.headers['x-domo-developer-token'])).toEqual([
        token,
        token,
        token,
      ]);
      expect(requests.filter((r) => 'x-domo-authentication' in r.headers)).toEqual([]);
      expect(manifest).toMatchObject({ ...MANIFEST, id: design!.id });
      expect(design!.assets.map((a) => a.path)).toEqual(['manifest.json', 'index.html']);
      // What a later step's log shows: the CLI never prints the token.
      expect(run.stdout + run.stderr).not.toContain(token);
    },
  );

  // Why the contract writes the file under XDG_CONFIG_HOME too: the CLI picks the instance from
  // HOME's folder and reads the token through XDG_CONFIG_HOME.
  cliTest.each<[string, { inHome: boolean; inXdg: boolean }, RegExp | undefined]>([
    ['in HOME and in XDG_CONFIG_HOME', { inHome: true, inXdg: true }, undefined],
    ['in HOME only', { inHome: true, inXdg: false }, /Mising refresh token/],
    [
      'in XDG_CONFIG_HOME only',
      { inHome: false, inXdg: true },
      /not logged into any Domo instances/,
    ],
  ])(named('XDG_CONFIG_HOME set elsewhere, the login file %s'), async (_, where, refusal) => {
    const w = workspace();
    if (where.inHome) writeLogin(join(w.home, '.config'), host, DEV_TOKEN);
    if (where.inXdg) writeLogin(w.xdg, host, DEV_TOKEN);
    const { run, requests, manifest } = await publishApp({ sim, caFile, ...w });
    if (refusal) {
      expect(run.code).not.toBe(0);
      expect(run.stdout).toMatch(refusal);
      expect(requests).toEqual([]);
      expect(manifest.id).toBeUndefined();
    } else {
      expect(run).toMatchObject({ code: 0, timedOut: false });
      expect(requests.map((r) => r.headers['x-domo-developer-token'])).toEqual(
        Array(3).fill(DEV_TOKEN),
      );
    }
  });

  // A self-hosted runner may keep a login for another instance: the newest file wins.
  cliTest.each<[string, boolean]>([
    ['the new login is newer than one for another instance', true],
    ['a login for another instance is newer', false],
  ])(named('by modification time: %s'), async (_, oursNewer) => {
    const w = workspace();
    const config = join(w.home, '.config');
    const ours = writeLogin(config, host, DEV_TOKEN);
    const theirs = writeLogin(config, new URL(other.url).host, DEV_TOKEN);
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(oursNewer ? theirs : ours, past, past);
    const { run, requests } = await publishApp({ sim, caFile, home: w.home, app: w.app });
    expect(run).toMatchObject({ code: 0, timedOut: false });
    expect(requests).toHaveLength(oursNewer ? 3 : 0);
    expect(other.designs).toHaveLength(oursNewer ? 0 : 1);
  });

  cliTest.each<[string, string | undefined, RegExp, string[]]>([
    ['no login file', undefined, /not logged into any Domo instances/, []],
    [
      'a login file with a token the instance does not know',
      'stale-token',
      /Error when creating new design/,
      ['POST /api/apps/v1/designs stale-token'],
    ],
  ])(named('%s: nothing is published'), async (_, token, refusal, sent) => {
    const w = workspace();
    if (token) writeLogin(join(w.home, '.config'), host, token);
    const { run, requests, manifest } = await publishApp({ sim, caFile, home: w.home, app: w.app });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(refusal);
    // The simulator refused the one request it got (401): nothing exists, nothing was uploaded.
    expect(
      requests.map((r) => `${r.method} ${r.path} ${r.headers['x-domo-developer-token']}`),
    ).toEqual(sent);
    expect(sim.designs).toEqual([]);
    expect(manifest.id).toBeUndefined();
  });
});

describe('domo publish after login mode: nothing but what the action left', () => {
  /** The action's login step (main, or post with `state`), as the runner runs it, trusting `caFile`. */
  const loginStep = (
    w: Workspace,
    inputs: Record<string, string>,
    state?: Record<string, string>,
  ) =>
    runStep({
      ...(state ? { entry: action.runs.post, state } : {}),
      inputs: { mode: 'login', instance: sim.url, ...inputs },
      env: { HOME: w.home, NODE_EXTRA_CA_CERTS: caFile },
    });

  cliTest.each<[string, Record<string, string>]>([
    ['a developer token handed over', { 'developer-token': DEV_TOKEN }],
    [
      'a token minted from a password sign-on',
      { username: 'ci@acme.example', password: 'sim-password' },
    ],
    [
      'a token minted from a developer token',
      { 'developer-token': DEV_TOKEN, 'job-token': 'true' },
    ],
  ])(
    named('%s: publishes with it; after the post step, the CLI is logged out'),
    async (_, inputs) => {
      const w = workspace();
      const main: StepResult = await loginStep(w, inputs);
      expect(main.exitCode).toBe(0);
      const token = main.outputs['developer-token']!;
      expect(main.exportedEnv).toEqual({ DOMO_INSTANCE: host, DOMO_DEVELOPER_TOKEN: token });

      const published = await publishApp({ sim, caFile, home: w.home, app: w.app });
      expect(published.run.code).toBe(0);
      const id = String(published.manifest.id);
      expect(published.requests.map(shown)).toEqual(firstPublish(id));
      for (const r of published.requests) expect(r.headers['x-domo-developer-token']).toBe(token);

      const post = await loginStep(w, inputs, main.savedState);
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      const again = await publishApp({ sim, caFile, home: w.home, app: w.app });
      expect(again.run.code).not.toBe(0);
      expect(again.requests).toEqual([]);
      // A minted token is revoked: it opens nothing even where a copy of it was kept.
      if (token !== DEV_TOKEN) {
        writeLogin(join(w.home, '.config'), host, token);
        const copied = await publishApp({ sim, caFile, home: w.home, app: w.app });
        expect(copied.run.code).not.toBe(0);
        expect(copied.requests.every((r) => r.route !== 'upload-asset')).toBe(true);
      }
      expectNoLeaks(main, [token, DEV_TOKEN]);
      expectNoLeaks(post, [token, DEV_TOKEN]);
    },
  );
});
