// @ts-check
// `npm start`: the action at work, shown the way a workflow log shows it, against a local Domo
// simulator (no network, no Domo account). It runs the committed bundles (dist/) as GitHub's
// runner would (dev/runner.mjs), masks what the runner would mask, and checks as it goes, so
// it doubles as a smoke test: the exit code is 1 when anything shown did not behave.
//   (a) token mode  (b) a later step using the token  (c) provision mode  (d) its post step
//   (e) a sweep that revokes a client a lost job left behind  (f) a failing step
import { findLeaks, parseCommands, runJob, runStep, summaryText as readable } from './runner.mjs';
import { startSimulator } from './simulator.mjs';

/** @typedef {import('./runner.mjs').StepResult} StepResult */
/** @typedef {(text: string) => string} Paint */

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (/** @type {string} */ code) => /** @type {Paint} */ (text) =>
  color ? `\x1b[${code}m${text}\x1b[0m` : text;
const [bold, dim, red, green, yellow, cyan] =
  /** @type {[Paint, Paint, Paint, Paint, Paint, Paint]} */ (
    ['1', '2', '31', '32', '33', '36'].map(paint)
  );

const say = (/** @type {string[]} */ ...lines) => lines.forEach((line) => console.log(line));
const basic = (/** @type {string} */ id, /** @type {string} */ secret) =>
  Buffer.from(`${id}:${secret}`).toString('base64');
const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;

/** @type {string[]} */
const problems = [];
/**
 * Records a failed expectation; the demo goes on and exits 1 at the end.
 * @param {unknown} ok
 * @param {string} what
 */
function expect(ok, what) {
  if (!ok) problems.push(what);
  return ok;
}
/**
 * @param {string} label
 * @param {StepResult} step
 * @param {Array<string | undefined>} secrets
 */
function expectNoLeaks(label, step, secrets) {
  const leaks = findLeaks(step, secrets);
  expect(leaks.length === 0, `${label}: secret leaked: ${leaks.join('; ')}`);
}

/**
 * The runner's secret masker, one per job: each value registered by ::add-mask:: (or a
 * workflow secret) is replaced by *** in every line printed after it is registered;
 * overlapping matches merge into one ***.
 */
class Masker {
  /** @type {Set<string>} */
  values = new Set();
  /** @param {Array<string | undefined>} values */
  add(...values) {
    for (const v of values) if (v && v.trim()) this.values.add(v);
    return this;
  }
  /** @param {string} text */
  apply(text) {
    /** @type {Array<[number, number]>} */
    const ranges = [];
    for (const v of this.values) {
      for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + 1)) {
        ranges.push([i, i + v.length]);
      }
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let at = 0;
    for (let k = 0; k < ranges.length;) {
      let [start, end] = /** @type {[number, number]} */ (ranges[k++]);
      while (k < ranges.length && /** @type {[number, number]} */ (ranges[k])[0] <= end) {
        end = Math.max(end, /** @type {[number, number]} */ (ranges[k++])[1]);
      }
      out += `${text.slice(at, start)}***`;
      at = end;
    }
    return out + text.slice(at);
  }
  /** @param {string} value */
  hides(value) {
    return this.apply(value) !== value;
  }
}

/**
 * "Run ..." header with the step's `with:` block, as GitHub prints it (secrets masked).
 * @param {string} title
 * @param {string} uses
 * @param {Record<string, string> | null} inputs
 * @param {Masker} masker
 */
function stepHeader(title, uses, inputs, masker) {
  say('', bold(cyan(`▶ ${title}`)), `  ${dim('Run')} ${uses}`);
  if (inputs) {
    say(`    ${dim('with:')}`);
    for (const [k, v] of Object.entries(inputs)) say(`      ${k}: ${masker.apply(v)}`);
  }
}

/**
 * The step's stdout/stderr as the log shows it: commands rendered, masks applied.
 * @param {StepResult} step
 * @param {Masker} masker
 */
function showLog(step, masker, { debug = false } = {}) {
  let indent = '';
  const print = (/** @type {string} */ text, /** @type {Paint} */ paintLine = (s) => s) => {
    for (const line of masker.apply(text).split('\n'))
      say(`  ${dim('│')} ${indent}${paintLine(line)}`);
  };
  const lines = step.stdout.replace(/\r?\n$/, '').split(/\r?\n/);
  for (const line of step.stdout ? lines : []) {
    const [command] = parseCommands(line);
    if (!command) {
      print(line);
      continue;
    }
    const { name, properties, message } = command;
    const title = properties.title ? `${properties.title}: ` : '';
    if (name === 'add-mask') masker.add(message);
    else if (name === 'debug') debug && print(`##[debug]${message}`, dim);
    else if (name === 'error') print(`Error: ${title}${message}`, red);
    else if (name === 'warning') print(`Warning: ${title}${message}`, yellow);
    else if (name === 'notice') print(`Notice: ${title}${message}`, cyan);
    else if (name === 'group') {
      print(`▾ ${message}`, bold);
      indent = '  ';
    } else if (name === 'endgroup') indent = '';
    else print(line);
  }
  if (step.stderr.trim()) print(step.stderr.trim(), dim);
  const status = step.exitCode === 0 ? green('✓ exit code 0') : red(`✗ exit code ${step.exitCode}`);
  say(`  ${status} ${dim(`(${seconds(step.durationMs)})`)}`);
}

/**
 * @param {Record<string, string>} outputs
 * @param {Masker} masker
 */
function showOutputs(outputs, masker, id = 'domo') {
  const names = Object.keys(outputs);
  const width = Math.max(...names.map((n) => n.length));
  say(`  ${bold('outputs')} ${dim(`(steps.${id}.outputs.*)`)}`);
  for (const name of names) {
    const value = /** @type {string} */ (outputs[name]);
    const note = masker.hides(value) ? dim(`  (masked; ${value.length} characters)`) : '';
    say(`    ${name.padEnd(width)}  ${masker.apply(value)}${note}`);
  }
}

/**
 * @param {Record<string, string>} exported
 * @param {Masker} masker
 */
function showEnv(exported, masker) {
  const list = Object.entries(exported).map(([k, v]) => `${k}=${masker.apply(v)}`);
  say(`  ${bold('env for later steps')}  ${list.length ? list.join('  ') : '(none)'}`);
}

// As a reader sees it: tags gone, entities (named and numeric) decoded, spaces folded.
const plain = (/** @type {string} */ html) =>
  readable(html.replace(/<a\s[^>]*>|<\/a>/gi, ''))
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The job summary (HTML): headings as "###", tables as aligned columns.
 * @param {string} html
 */
function summaryText(html) {
  /** @type {string[]} */
  const out = [];
  for (const part of html.split(/(<table[\s\S]*?<\/table>)/i)) {
    if (/^<table/i.test(part)) {
      const rows = [...part.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((row) =>
        [.../** @type {string} */ (row[1]).matchAll(/<t([hd])[^>]*>([\s\S]*?)<\/t[hd]>/gi)].map(
          (c) => ({
            head: c[1] === 'h',
            text: plain(/** @type {string} */ (c[2])),
          }),
        ),
      );
      /** @type {number[]} */
      const widths = [];
      for (const row of rows)
        row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.text.length)));
      for (const row of rows) {
        out.push(
          row
            .map((c, i) => c.text.padEnd(/** @type {number} */ (widths[i])))
            .join(' │ ')
            .trimEnd(),
        );
        if (row.every((c) => c.head)) out.push(widths.map((w) => '─'.repeat(w)).join('─┼─'));
      }
    } else {
      const text = part.replace(
        /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi,
        (_, /** @type {string} */ n, /** @type {string} */ t) =>
          `\n${'#'.repeat(Number(n))} ${t}\n`,
      );
      out.push(
        ...plain(text)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    }
  }
  return out;
}

/**
 * @param {StepResult} step
 * @param {Masker} masker
 */
function showSummary(step, masker) {
  say(`  ${bold('job summary')}`);
  const lines = summaryText(step.summary);
  if (lines.length === 0) say(`    ${dim('(none)')}`);
  for (const line of lines) say(`    ${masker.apply(line)}`);
}

const sim = await startSimulator();
const timeoutMs = 15_000;
const api = sim.url;
say(
  bold('domo-auth demo'),
  dim(
    `A local Domo simulator at ${api} plays both api.domo.com and the instance acmecompany.domo.com.`,
  ),
  dim(`Each step runs dist/ in a fresh ${process.version} process, as GitHub's runner would.`),
);

try {
  // (a) token mode. In a workflow the secret comes from `secrets.*`, which GitHub masks anyway.
  const secret = 'sim-client-secret';
  const job1 = new Masker().add(secret);
  const inputsA = {
    'client-id': 'sim-client-id',
    'client-secret': secret,
    scope: 'data user',
    'api-url': api,
  };
  stepHeader('(a) Get a Domo token  (mode: token)', 'domo-auth  (id: domo)', inputsA, job1);
  const a = await runStep({ inputs: inputsA, timeoutMs });
  showLog(a, job1);
  showOutputs(a.outputs, job1);
  showEnv(a.exportedEnv, job1);
  showSummary(a, job1);
  const token = a.outputs['access-token'] ?? '';
  expect(a.exitCode === 0, `(a) exit code ${a.exitCode}, expected 0`);
  expect(a.errors.length + a.warnings.length === 0, '(a) unexpected annotations');
  expect(token.length > 20 && a.outputs.scope === 'data user', '(a) no token / wrong scope');
  expect(a.exportedEnv.DOMO_ACCESS_TOKEN === token, '(a) DOMO_ACCESS_TOKEN not exported');
  expect(
    [secret, basic('sim-client-id', secret), token].every((s) => a.masks.includes(s)),
    '(a) not all secrets masked',
  );
  expect(job1.hides(token), '(a) the token is not masked');
  expectNoLeaks('(a)', a, [secret, basic('sim-client-id', secret), token]);

  // (b) a later step in the same job uses the exported token. The demo sends the request with
  // Node's fetch; in a workflow it would be curl, a Domo CLI or an SDK.
  const users = `${api}/v1/users`;
  stepHeader(
    '(b) Use the token in a later step',
    `GET ${users} with the header "Authorization: bearer $DOMO_ACCESS_TOKEN"  ${dim("(sent with Node's fetch)")}`,
    null,
    job1,
  );
  const response = await fetch(users, {
    headers: { Authorization: `bearer ${a.exportedEnv.DOMO_ACCESS_TOKEN}` },
  });
  const body = await response.text();
  say(`  ${dim('│')} HTTP ${response.status}`, `  ${dim('│')} ${job1.apply(body)}`);
  expect(response.status === 200, `(b) GET /v1/users answered ${response.status}, expected 200`);

  // (c) provision mode with a developer token (the recommended source): a short-lived client,
  // revoked by the post step, which then checks that the instance no longer lists it.
  const developerToken = 'sim-developer-token';
  const job2 = new Masker().add(developerToken);
  const inputsC = {
    mode: 'provision',
    instance: api,
    'api-url': api,
    'developer-token': developerToken,
  };
  const seen = sim.requests.length;
  stepHeader(
    '(c) Provision a short-lived API client  (mode: provision)',
    'domo-auth  (id: domo)',
    inputsC,
    job2,
  );
  const { main, post } = await runJob({ inputs: inputsC, timeoutMs });
  showLog(main, job2);
  showOutputs(main.outputs, job2);
  showEnv(main.exportedEnv, job2);
  stepHeader(
    '(d) Post domo-auth  (the post step of (c): runs at the end of the job, if: always())',
    'domo-auth (post)',
    null,
    job2,
  );
  showLog(post, job2);
  const created = sim.clients;
  const calls = sim.requests.slice(seen).map((r) => `${r.method} ${r.path}`);
  say(`  ${bold('simulator saw')}  ${calls.join(', ')}`);
  for (const c of created) {
    say(
      `  ${bold('simulator client')} ${c.client_id} "${c.name}": ${c.deleted ? green('deleted') : red('still active')}`,
    );
  }
  const client = created[0];
  expect(
    main.exitCode === 0 && post.exitCode === 0,
    `(c) exit codes ${main.exitCode}/${post.exitCode}, expected 0/0`,
  );
  expect(
    main.errors.length + main.warnings.length + post.warnings.length === 0,
    '(c) unexpected annotations',
  );
  expect(
    created.length === 1 && client?.deleted === true,
    '(c) the created client was not revoked',
  );
  expect(
    client && main.outputs['client-id'] === client.client_id,
    '(c) client-id output is not the created client',
  );
  expect(
    client && job2.hides(main.outputs['client-secret'] ?? ''),
    '(c) client-secret output is not masked',
  );
  const provisioned = client
    ? [client.client_secret, basic(client.client_id, client.client_secret)]
    : [];
  const secretsC = [developerToken, main.outputs['access-token'], ...provisioned];
  expectNoLeaks('(c) main', main, secretsC);
  expectNoLeaks('(c) post', post, secretsC);

  // (e) a scheduled sweep: a job that was lost mid-run (its runner died) left its client behind;
  // the sweep revokes it once GitHub says that run has finished, and keeps the client of a job
  // that is still running. The runner emulator's job is run 4242, attempt 1.
  const repo = 'octo-org/octo-repo';
  const made = (/** @type {string} */ runId) =>
    `Created by domo-auth for https://github.com/${repo}/actions/runs/${runId}; revoked when the job ends.`;
  sim.set({ githubRuns: { 4242.1: 'in_progress', 4100.1: 'completed', 4243.1: 'in_progress' } });
  const [leftover, running] = sim.addClients([
    { name: `github-actions ${repo} run 4100.1 deploy 5e1f0a`, description: made('4100') },
    { name: `github-actions ${repo} run 4243.1 deploy 0c77d2`, description: made('4243') },
  ]);
  const inputsE = { mode: 'sweep', instance: api, 'developer-token': developerToken };
  const job4 = new Masker().add(developerToken);
  stepHeader(
    '(e) Sweep up clients whose job ended without revoking them  (mode: sweep, on a schedule)',
    'domo-auth  (id: sweep; permissions: actions: read)',
    inputsE,
    job4,
  );
  say(
    `  ${dim(`GitHub (played by the simulator too) says run 4100 has finished and run 4243 is still running.`)}`,
  );
  const e = await runStep({ inputs: inputsE, env: { GITHUB_API_URL: api }, timeoutMs });
  showLog(e, job4);
  showOutputs(e.outputs, job4, 'sweep');
  showSummary(e, job4);
  expect(e.exitCode === 0 && e.errors.length + e.warnings.length === 0, '(e) the sweep failed');
  expect(leftover?.deleted === true, '(e) the leftover client was not revoked');
  expect(running?.deleted === false, "(e) the running job's client was revoked");
  expect(e.outputs.orphans === '1' && e.outputs.revoked === '1', '(e) wrong orphans/revoked');
  expectNoLeaks('(e)', e, [developerToken]);

  // (f) a wrong secret fails at once (401 is not retried) with one clear annotation.
  const wrong = 'not-the-secret';
  const job3 = new Masker().add(wrong);
  const inputsD = {
    'client-id': 'sim-client-id',
    'client-secret': wrong,
    'api-url': api,
    retries: '0',
  };
  const before = sim.requests.length;
  stepHeader('(f) A step that fails  (wrong client-secret)', 'domo-auth', inputsD, job3);
  const d = await runStep({ inputs: inputsD, timeoutMs });
  showLog(d, job3);
  say(
    `  ${bold('annotations')}  ${d.errors.length} error(s), ${d.warnings.length} warning(s)${d.exitCode ? '; the job stops here' : ''}.`,
  );
  expect(
    d.exitCode !== 0 && d.exitCode !== null,
    `(f) exit code ${d.exitCode}, expected a failure`,
  );
  expect(
    d.errors.length === 1 && /401/.test(d.errors[0] ?? ''),
    '(f) expected exactly one ::error:: naming HTTP 401',
  );
  expect(
    sim.requests.length - before === 1,
    `(f) ${sim.requests.length - before} requests, expected 1`,
  );
  expect(!d.outputs['access-token'], '(f) a failed step set an access-token output');
  expectNoLeaks('(f)', d, [wrong, basic('sim-client-id', wrong)]);
} catch (err) {
  problems.push(`demo crashed: ${err instanceof Error ? err.stack : err}`);
} finally {
  await sim.close();
}

say('');
if (problems.length === 0) {
  say(green('✓ Everything above behaved as README.md describes; no secret reached a log.'));
} else {
  say(red(`✗ ${problems.length} problem(s):`), ...problems.map((p) => red(`  - ${p}`)));
  process.exitCode = 1;
}
say(
  dim(
    'Next: `npm test` runs the unit and end-to-end tests; README.md documents every input and output.',
  ),
);
