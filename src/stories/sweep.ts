/**
 * Sweep mode's story: find what domo-auth made for this repository and no post step revoked
 * (a runner lost mid-job, a session expired before the post step, Domo down at the end of a
 * job): provision mode's API clients and login mode's access tokens; revoke those whose GitHub
 * run has finished.
 *
 * It errs on the side of keeping: an entry is touched only when its name (and, for a client,
 * its description) is exactly what domo-auth writes for this repository, and only when GitHub,
 * having shown that this token can see the current run, says the entry's run attempt is over,
 * or twice that its run is gone.
 */
import type { GitHubRun, SweepConfig } from '../config.js';
import type { Context } from '../context.js';
import { instanceCredential } from '../credential.js';
import {
  listAccessTokens,
  revokeAccessToken,
  type ListedAccessToken,
} from '../domo/accessTokens.js';
import type { InstanceAuth } from '../domo/auth.js';
import { listClients, revokeClient, type ListedClient } from '../domo/developerTokens.js';
import { ActionError, describe, DomoError } from '../errors.js';
import { getRun, getRunAttempt, runUrl, type RunAnswer } from '../github.js';
import { info, warning } from '../log.js';
import { madeBy, revokedDescription, type MadeBy } from '../names.js';
import { handOver, writeTable } from '../outputs.js';
import { withRetry } from '../retry.js';

/**
 * The run attempt that made `entry`, when `entry` is one of provision mode's clients for
 * `run.repository` that the job meant to revoke; undefined for anything else.
 */
export function candidateOf(entry: ListedClient, run: GitHubRun): MadeBy | undefined {
  const made = madeBy(entry.name, run.repository);
  if (!made) return undefined;
  const description = revokedDescription(run.serverUrl, run.repository, made.runId);
  return entry.description === description ? made : undefined;
}

/** The run attempt that made an access token: its name alone (tokens carry no description). */
export const tokenCandidateOf = (entry: ListedAccessToken, run: GitHubRun): MadeBy | undefined =>
  madeBy(entry.name, run.repository);

/** What became of one candidate. */
export type Outcome =
  | 'revoked'
  | 'kept: run not finished'
  | 'kept: GitHub did not answer'
  | 'would revoke (dry run)'
  | 'not revoked';

export type Kind = 'API client' | 'access token';

export interface SweptClient {
  kind: Kind;
  name: string;
  /** The numeric id, or how the list shows an unusable one. */
  id: string;
  runUrl: string;
  /** The run attempt, for people: `4100 (attempt 1)`. */
  run: string;
  /** The run's status as GitHub gave it, `deleted`, or `unknown`. */
  status: string;
  outcome: Outcome;
  /** Why it was not revoked, or why GitHub's answer is missing. */
  why?: string;
}

export interface SweepReport {
  clients: SweptClient[];
  orphans: number;
  revoked: number;
  dryRun: boolean;
  instanceUrl: string;
}

/** An entry of either list, as the sweep needs it. */
interface Entry {
  id: string | undefined;
  shownId: string;
  name: string | undefined;
}

/** One kind of leftover: how it is listed, recognised and revoked. */
interface Shelf {
  kind: Kind;
  list: () => Promise<Entry[]>;
  candidate: (entry: Entry) => MadeBy | undefined;
  revoke: (id: string) => Promise<unknown>;
}

interface Orphan {
  entry: Entry;
  client: SweptClient;
  shelf: Shelf;
}

export async function sweep(config: { sweep?: SweepConfig; summary: boolean }, ctx: Context) {
  const s = config.sweep!;
  const { run } = s;
  const { transport } = ctx;
  const idempotent = ctx.retry('idempotent');
  const ask = (made: MadeBy): Promise<RunAnswer> =>
    withRetry(
      () => getRunAttempt(transport, run, s.githubToken, made.runId, made.attempt),
      idempotent,
    );

  // First of all, before any Domo call: a token that cannot read runs sees every run as
  // deleted (404), which would read as "revoke everything".
  const current: MadeBy = { runId: run.runId, attempt: run.attempt };
  const answers = new Map<string, Answer>();
  answers.set(key(current), await checkCurrentRun(() => ask(current), run));

  const credential = await instanceCredential(s, transport, ctx.retry);
  const auth: InstanceAuth = {
    kind: s.session.kind === 'developer-token' ? 'developer-token' : 'session',
    credential,
  };
  const url = s.instanceUrl;
  const clients: Shelf = {
    kind: 'API client',
    list: () => withRetry(() => listClients(transport, url, auth), idempotent),
    candidate: (entry) => candidateOf(entry as ListedClient, run),
    revoke: (id) => withRetry(() => revokeClient(transport, url, auth, id), idempotent),
  };
  const tokens: Shelf = {
    kind: 'access token',
    list: () => withRetry(() => listAccessTokens(transport, url, auth), idempotent),
    candidate: (entry) => tokenCandidateOf(entry as ListedAccessToken, run),
    revoke: (id) => withRetry(() => revokeAccessToken(transport, url, auth, id), idempotent),
  };

  const listedClients = await clients.list().catch((err: unknown) => {
    throw err instanceof DomoError && !err.hint ? err.update({ hint: listHint(err) }) : err;
  });
  const listedTokens = await tokens.list().catch((err: unknown) => {
    // Reading access tokens may take a grant that reading clients does not: sweep the clients.
    if (!(err instanceof DomoError) || (err.status !== 401 && err.status !== 403)) throw err;
    warning(
      `Could not read ${url}'s access tokens (${describe(err)}): the access tokens login mode mints were not swept. The user behind the session source needs the "Manage all access tokens" grant (or an admin role) to list them; the API clients are still swept.`,
    );
    return undefined;
  });

  const found = [
    ...listedClients.map((entry) => ({ entry, shelf: clients })),
    ...(listedTokens ?? []).map((entry) => ({ entry, shelf: tokens })),
  ].flatMap(({ entry, shelf }) => {
    const made = shelf.candidate(entry);
    return made ? [{ entry, shelf, made }] : [];
  });
  const tokenCount = listedTokens ? ` and ${listedTokens.length} access token(s)` : '';
  info(
    `${url} lists ${listedClients.length} API client(s)${tokenCount}; ${found.length} of them made by domo-auth for ${run.repository} and meant to be revoked.`,
  );

  const swept: SweptClient[] = [];
  const orphans: Orphan[] = [];
  for (const { entry, shelf, made } of found) {
    // One question per run attempt, the current one included, however many entries it made.
    if (!answers.has(key(made))) answers.set(key(made), await settle(made, ask, ctx, s));
    const answer = answers.get(key(made))!;
    const client: SweptClient = {
      kind: shelf.kind,
      name: entry.name!,
      id: entry.id ?? entry.shownId,
      runUrl: runUrl(run, made.runId, made.attempt),
      run: `${made.runId} (attempt ${made.attempt})`,
      status:
        answer instanceof DomoError ? 'unknown' : answer === 'deleted' ? 'deleted' : answer.status,
      outcome: 'kept: run not finished',
    };
    swept.push(client);
    if (answer !== 'deleted' && 'lagging' in answer) {
      client.outcome = 'kept: GitHub did not answer';
      client.why = `GitHub answered 404 for the run attempt, but shows run ${made.runId} (${answer.status})`;
      warning(`Keeping Domo ${label(client)}: ${client.why}; it is revoked once GitHub agrees.`);
    } else if (answer instanceof DomoError) {
      client.outcome = 'kept: GitHub did not answer';
      client.why = describe(answer);
      warning(
        `Keeping Domo ${label(client)}: GitHub did not say whether its run ${client.runUrl} has finished. ${client.why}`,
      );
    } else if (answer === 'deleted' || answer.status === 'completed') {
      client.outcome = s.dryRun ? 'would revoke (dry run)' : 'not revoked';
      orphans.push({ entry, client, shelf });
    } else {
      info(`Keeping Domo ${label(client)}: its run ${client.runUrl} is ${client.status}.`);
    }
  }

  if (!s.dryRun) {
    for (const shelf of [clients, tokens]) {
      const own = orphans.filter((o) => o.shelf === shelf);
      if (own.length > 0) await revokeAll(own, shelf);
    }
  }

  for (const { client } of orphans) {
    const why = client.why ? ` (${client.why})` : '';
    info(
      `Orphaned Domo ${label(client)}, run ${client.runUrl} ${client.status}: ${client.outcome}${why}.`,
    );
  }
  const revoked = orphans.filter((o) => o.client.outcome === 'revoked').length;
  const report = { clients: swept, orphans: orphans.length, revoked, dryRun: s.dryRun };
  await publish({ ...report, instanceUrl: url }, config.summary);

  const failed = orphans.filter((o) => o.client.outcome === 'not revoked');
  if (failed.length > 0) {
    const named = failed.map(({ client }) => `${label(client)}: ${client.why}`).join('; ');
    throw new ActionError(
      `${failed.length} of ${orphans.length} orphan(s) not revoked: ${named}. Revoke them by hand in ${url}: Admin > Security > Access tokens.`,
    );
  }
}

/** GitHub's answer, or a run shown although its attempt was not (a replica that lags). */
type Answer = RunAnswer | DomoError | { lagging: true; status: string };

/**
 * GitHub's answer for a candidate's run attempt. A failed question keeps its entries (anything
 * but a failed call is a defect to report). One 404 is not enough to call a run deleted (a
 * replica that lags): the run itself must answer 404 too; any other answer keeps the entries.
 */
async function settle(
  made: MadeBy,
  ask: (made: MadeBy) => Promise<RunAnswer>,
  ctx: Context,
  s: SweepConfig,
): Promise<Answer> {
  try {
    const answer = await ask(made);
    if (answer !== 'deleted') return answer;
    const run = await withRetry(
      () => getRun(ctx.transport, s.run, s.githubToken, made.runId),
      ctx.retry('idempotent'),
    );
    return run === 'deleted' ? run : { lagging: true, status: run.status };
  } catch (err) {
    if (err instanceof DomoError) return err;
    throw err;
  }
}

function listHint(err: DomoError): string | undefined {
  if (err.status === 401) {
    return 'Domo refused the session source: the developer token or session has expired or been revoked, or belongs to another instance than `instance`.';
  }
  if (err.status === 403) {
    return "The user behind the session source may not read the instance's API clients: use the credential your provision jobs use (their post steps read the same list), or a user who may see Admin > Security > Access tokens.";
  }
  return undefined;
}

const key = (made: MadeBy): string => `${made.runId}.${made.attempt}`;

const label = (client: SweptClient): string => `${client.kind} "${client.name}" (id ${client.id})`;

/** The current run, which GitHub must show: else the token cannot be trusted to read runs. */
async function checkCurrentRun(ask: () => Promise<RunAnswer>, run: GitHubRun): Promise<RunAnswer> {
  const fix = `Sweep mode revokes nothing unless \`github-token\` can read this repository's workflow runs: give the job \`permissions: actions: read\` (and keep \`github-token\` at its default, \${{ github.token }}, or pass a token with that access).`;
  let answer: RunAnswer;
  try {
    answer = await ask();
  } catch (err) {
    throw new ActionError(
      `GitHub did not show the current run to \`github-token\`: ${describe(err)} ${fix}`,
    );
  }
  if (answer === 'deleted') {
    throw new ActionError(
      `GitHub answered 404 for the current run (${runUrl(run, run.runId, run.attempt)}) to \`github-token\`, so it would see every run as deleted. ${fix}`,
    );
  }
  return answer;
}

/**
 * DELETE each orphan, then read the list once more: what it still shows was not revoked,
 * whatever its DELETE answered, and what it no longer shows was.
 */
async function revokeAll(orphans: Orphan[], shelf: Shelf): Promise<void> {
  for (const { entry, client } of orphans) {
    const id = entry.id;
    if (id === undefined) {
      client.why = `the list shows it under an id that is not a plain number (${entry.shownId})`;
      continue;
    }
    try {
      await shelf.revoke(id);
    } catch (err) {
      client.why = describe(err);
    }
  }
  let after: Entry[];
  try {
    after = await shelf.list();
  } catch (err) {
    for (const { client } of orphans) {
      client.why ??= `not confirmed: the list could not be read again (${describe(err)})`;
    }
    return;
  }
  for (const { entry, client } of orphans) {
    const still = after.some(
      (e) => (entry.id !== undefined && e.id === entry.id) || e.name === entry.name,
    );
    if (!still) {
      client.outcome = 'revoked';
      client.why = undefined;
    } else {
      client.why ??= 'still listed after the DELETE';
    }
  }
}

/** Sweep mode's outputs and job summary; written whenever the lists were read, on failure too. */
async function publish(report: SweepReport, summary: boolean): Promise<void> {
  handOver({ orphans: String(report.orphans), revoked: String(report.revoked) }, {});
  const dry = report.dryRun ? ' (dry run: nothing revoked)' : '';
  info(
    `Sweep of ${report.instanceUrl}: ${report.orphans} orphaned, ${report.revoked} revoked${dry}.`,
  );
  if (!summary) return;
  const rows = report.clients.map((c) => {
    const outcome = c.outcome === 'not revoked' && c.why ? `not revoked (${c.why})` : c.outcome;
    return [c.kind, c.name, c.id, { text: c.run, href: c.runUrl }, c.status, outcome];
  });
  const heading = `Domo sweep: ${report.orphans} orphaned, ${report.revoked} revoked${dry}`;
  const none = [['—', 'Nothing of this repository is waiting to be revoked.', '', '', '', '']];
  await writeTable(
    heading,
    ['Kind', 'Name', 'Id', 'Run', 'Run status', 'Outcome'],
    rows.length ? rows : none,
  );
}
