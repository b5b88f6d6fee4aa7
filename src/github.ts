/**
 * GitHub's "get a workflow run attempt", which sweep mode asks to learn whether the job that
 * made a client can still be using it. It goes through the same transport as Domo's calls:
 * the same timeouts, no redirects (they would carry the token elsewhere), and one error type.
 */
import type { GitHubRun } from './config.js';
import { DomoError } from './errors.js';
import { jsonObject, send, type Transport } from './http.js';

/** A run attempt as GitHub shows it, or `deleted` when GitHub answers 404 for it. */
export type RunAnswer = { status: string; conclusion: string | undefined } | 'deleted';

export const runCall = (repository: string, runId: string, attempt: string): string =>
  `GitHub run check (GET /repos/${repository}/actions/runs/${runId}/attempts/${attempt})`;

/** The page of a run attempt, for people: the log and the job summary link to it. */
export const runUrl = (run: GitHubRun, runId: string, attempt: string): string =>
  `${run.serverUrl}/${run.repository}/actions/runs/${runId}/attempts/${attempt}`;

/** "Get a workflow run attempt": whether the job that made something can still be using it. */
export function getRunAttempt(
  transport: Transport,
  run: GitHubRun,
  token: string,
  runId: string,
  attempt: string,
): Promise<RunAnswer> {
  const path = `/actions/runs/${runId}/attempts/${attempt}`;
  return getRunPath(transport, run, token, runCall(run.repository, runId, attempt), path);
}

/** "Get a workflow run": asked when an attempt answers 404, to tell a deleted run from a lag. */
export function getRun(
  transport: Transport,
  run: GitHubRun,
  token: string,
  runId: string,
): Promise<RunAnswer> {
  const call = `GitHub run check (GET /repos/${run.repository}/actions/runs/${runId})`;
  return getRunPath(transport, run, token, call, `/actions/runs/${runId}`);
}

async function getRunPath(
  transport: Transport,
  run: GitHubRun,
  token: string,
  call: string,
  path: string,
): Promise<RunAnswer> {
  const [owner, name] = run.repository.split('/').map(encodeURIComponent);
  const url = `${run.apiUrl}/repos/${owner}/${name}${path}`;
  let json: Record<string, unknown>;
  try {
    const response = await send(transport, call, {
      method: 'GET',
      url,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    });
    json = jsonObject(call, response);
  } catch (err) {
    if (err instanceof DomoError && err.status === 404) return 'deleted';
    throw err instanceof DomoError && !err.hint ? err.update({ hint: runHint(err) }) : err;
  }
  const { status, conclusion } = json;
  if (typeof status !== 'string' || !status) {
    throw new DomoError({ call, kind: 'response', detail: 'an answer without a `status`' });
  }
  return { status, conclusion: typeof conclusion === 'string' ? conclusion : undefined };
}

function runHint(err: DomoError): string | undefined {
  switch (err.status) {
    case 401:
      return 'GitHub refused `github-token`: it has expired or is not a GitHub token.';
    case 403:
      return err.retryAfter !== undefined || err.mentions('rate limit')
        ? "GitHub's API rate limit for this token is spent: run the sweep later, or less often."
        : 'The token may not read workflow runs: give the job `permissions: actions: read`.';
    default:
      // Only an HTTP answer has a status of 500 or more (a redirect's is 3xx).
      if ((err.status ?? 0) >= 500) return 'GitHub had a server error.';
      return err.kind === 'http' ? undefined : "Check the runner's GITHUB_API_URL and its network.";
  }
}
