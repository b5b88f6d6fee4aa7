/**
 * Sweep mode's story: find the API clients that provision mode made for this repository and
 * whose post step never revoked them (a runner lost mid-job, a session expired before the post
 * step, Domo down at the end of a job), and revoke those whose GitHub run has finished.
 *
 * It errs on the side of keeping: a client is touched only when its name and description are
 * exactly what provision mode writes for this repository, and only when GitHub, having shown
 * that this token can see the current run, says the client's run attempt is over or gone.
 */
import { revokedDescription, type GitHubRun, type SweepConfig } from './config.js';
import { instanceCredential } from './credential.js';
import {
  listClients,
  revokeClient,
  type InstanceAuth,
  type ListedClient,
} from './domo/developerTokens.js';
import { ActionError, describe, DomoError } from './errors.js';
import { getRunAttempt, runUrl, type RunAnswer } from './github.js';
import type { Transport } from './http.js';
import { info, publishSweep, warning } from './publish.js';
import { withRetry, type RetryFor } from './retry.js';

/** The run attempt a client's name says made it. */
export interface MadeBy {
  runId: string;
  attempt: string;
}

/**
 * The run attempt that made `entry`, when `entry` is one of provision mode's clients for
 * `run.repository` that the job meant to revoke; undefined for anything else. The repository
 * is compared as text, never as a pattern, so `acme/site` never takes `acme/site-two`'s.
 */
export function candidateOf(entry: ListedClient, run: GitHubRun): MadeBy | undefined {
  const prefix = `github-actions ${run.repository} run `;
  if (entry.name === undefined || !entry.name.startsWith(prefix)) return undefined;
  // RUN_ID.ATTEMPT JOB SUFFIX, as provision mode writes its default name.
  const m = /^(\d+)\.(\d+) [^\s]+ [0-9a-f]{6}$/.exec(entry.name.slice(prefix.length));
  if (!m) return undefined;
  const [, runId, attempt] = m as unknown as [string, string, string];
  const description = revokedDescription(run.serverUrl, run.repository, runId);
  return entry.description === description ? { runId, attempt } : undefined;
}

/** What became of one candidate. */
export type Outcome =
  | 'revoked'
  | 'kept: run not finished'
  | 'kept: GitHub did not answer'
  | 'would revoke (dry run)'
  | 'not revoked';

export interface SweptClient {
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

interface Orphan {
  entry: ListedClient;
  client: SweptClient;
}

export async function sweep(
  config: SweepConfig,
  transport: Transport,
  retry: RetryFor,
  summary: boolean,
): Promise<void> {
  const { run } = config;
  const ask = (made: MadeBy): Promise<RunAnswer> =>
    withRetry(
      () => getRunAttempt(transport, run, config.githubToken, made.runId, made.attempt),
      retry('idempotent'),
    );

  // First of all, before any Domo call: a token that cannot read runs sees every run as
  // deleted (404), which would read as "revoke everything".
  const current: MadeBy = { runId: run.runId, attempt: run.attempt };
  const answers = new Map<string, RunAnswer | DomoError>();
  answers.set(key(current), await checkCurrentRun(() => ask(current), run));

  const credential = await instanceCredential(config, transport, retry);
  const auth: InstanceAuth = {
    kind: config.session.kind === 'developer-token' ? 'developer-token' : 'session',
    credential,
  };
  const list = () =>
    withRetry(() => listClients(transport, config.instanceUrl, auth), retry('idempotent'));
  const listed = await list().catch((err: unknown) => {
    throw err instanceof DomoError && !err.hint ? err.update({ hint: listHint(err) }) : err;
  });

  const candidates = listed.flatMap((entry) => {
    const made = candidateOf(entry, run);
    return made ? [{ entry, made }] : [];
  });
  info(
    `${config.instanceUrl} lists ${listed.length} API client(s); ${candidates.length} of them made by domo-auth for ${run.repository} and meant to be revoked.`,
  );

  const clients: SweptClient[] = [];
  const orphans: Orphan[] = [];
  for (const { entry, made } of candidates) {
    // One question per run attempt, the current one included, however many clients it made.
    if (!answers.has(key(made))) {
      // A failed question keeps its clients; anything but a failed call is a defect to report.
      const answer = await ask(made).catch((err: unknown) => {
        if (err instanceof DomoError) return err;
        throw err;
      });
      answers.set(key(made), answer);
    }
    const answer = answers.get(key(made))!;
    const client: SweptClient = {
      name: entry.name!,
      id: entry.id ?? entry.shownId,
      runUrl: runUrl(run, made.runId, made.attempt),
      run: `${made.runId} (attempt ${made.attempt})`,
      status:
        answer instanceof DomoError ? 'unknown' : answer === 'deleted' ? 'deleted' : answer.status,
      outcome: 'kept: run not finished',
    };
    clients.push(client);
    if (answer instanceof DomoError) {
      client.outcome = 'kept: GitHub did not answer';
      client.why = describe(answer);
      warning(
        `Keeping Domo API client ${label(client)}: GitHub did not say whether its run ${client.runUrl} has finished. ${client.why}`,
      );
    } else if (answer === 'deleted' || answer.status === 'completed') {
      client.outcome = config.dryRun ? 'would revoke (dry run)' : 'not revoked';
      orphans.push({ entry, client });
    } else {
      info(
        `Keeping Domo API client ${label(client)}: its run ${client.runUrl} is ${client.status}.`,
      );
    }
  }

  if (!config.dryRun && orphans.length > 0)
    await revokeAll(orphans, list, transport, config, auth, retry);

  for (const { client } of orphans) {
    const why = client.why ? ` (${client.why})` : '';
    info(
      `Orphaned Domo API client ${label(client)}, run ${client.runUrl} ${client.status}: ${client.outcome}${why}.`,
    );
  }
  const revoked = orphans.filter((o) => o.client.outcome === 'revoked').length;
  await publishSweep(
    {
      clients,
      orphans: orphans.length,
      revoked,
      dryRun: config.dryRun,
      instanceUrl: config.instanceUrl,
    },
    summary,
  );

  const failed = orphans.filter((o) => o.client.outcome === 'not revoked');
  if (failed.length > 0) {
    const named = failed.map(({ client }) => `${label(client)}: ${client.why}`).join('; ');
    throw new ActionError(
      `${failed.length} of ${orphans.length} orphaned Domo API client(s) not revoked: ${named}. Revoke them by hand in ${config.instanceUrl}: Admin > Security > Access tokens (API clients).`,
    );
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

const label = (client: SweptClient): string => `"${client.name}" (id ${client.id})`;

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
async function revokeAll(
  orphans: Orphan[],
  list: () => Promise<ListedClient[]>,
  transport: Transport,
  config: SweepConfig,
  auth: InstanceAuth,
  retry: RetryFor,
): Promise<void> {
  for (const { entry, client } of orphans) {
    const id = entry.id;
    if (id === undefined) {
      client.why = `the list shows it under an id that is not a plain number (${entry.shownId})`;
      continue;
    }
    try {
      await withRetry(
        () => revokeClient(transport, config.instanceUrl, auth, id),
        retry('idempotent'),
      );
    } catch (err) {
      client.why = describe(err);
    }
  }
  let after: ListedClient[];
  try {
    after = await list();
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
