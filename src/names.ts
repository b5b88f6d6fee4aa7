/**
 * The names and descriptions domo-auth gives what it creates on Domo, and the reading of them
 * back: provision mode writes them, login mode writes the same name on the tokens it mints, and
 * sweep mode takes nothing for its own unless it reads back exactly what was written. One module,
 * so that the writer and the reader cannot drift apart.
 */

/** The GitHub server, without a trailing slash. */
export const serverUrl = (env: NodeJS.ProcessEnv): string =>
  (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');

/**
 * A name no other invocation shares: the run id alone repeats across a matrix's jobs, a
 * re-run's attempts and two steps in one job, and Domo refuses a taken client name.
 * `random` (like Math.random) draws the suffix.
 */
export function defaultName(env: NodeJS.ProcessEnv, random: () => number): string {
  // random() < 1, so six hex digits at most.
  const suffix = Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  const repository = env.GITHUB_REPOSITORY || 'local';
  const run = `${env.GITHUB_RUN_ID || 'local'}.${env.GITHUB_RUN_ATTEMPT || '1'}`;
  return `github-actions ${repository} run ${run} ${env.GITHUB_JOB || 'job'} ${suffix}`;
}

/** Where the client came from and whether it outlives the job, for whoever finds it later. */
export function clientDescription(env: NodeJS.ProcessEnv, deleteClient: boolean): string {
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  const where =
    repository && runId
      ? `for ${serverUrl(env)}/${repository}/actions/runs/${runId}`
      : 'outside GitHub Actions';
  const fate = deleteClient
    ? 'revoked when the job ends'
    : 'kept after the job ends (delete-client: false)';
  return `Created by domo-auth ${where}; ${fate}.`;
}

/** The description clientDescription() gives a client the job means to revoke. */
export function revokedDescription(server: string, repository: string, runId: string): string {
  return `Created by domo-auth for ${server}/${repository}/actions/runs/${runId}; revoked when the job ends.`;
}

/** The run attempt a default name says made it. */
export interface MadeBy {
  runId: string;
  attempt: string;
}

/**
 * The run attempt in `name` when it is exactly a default name of `repository`, else undefined.
 * The repository is compared as text, never as a pattern, so `acme/site` never takes
 * `acme/site-two`'s.
 */
export function madeBy(name: string | undefined, repository: string): MadeBy | undefined {
  const prefix = `github-actions ${repository} run `;
  if (name === undefined || !name.startsWith(prefix)) return undefined;
  // RUN_ID.ATTEMPT JOB SUFFIX, as defaultName() writes it.
  const m = /^(\d+)\.(\d+) [^\s]+ [0-9a-f]{6}$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  return { runId: m[1]!, attempt: m[2]! };
}
