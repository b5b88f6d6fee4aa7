/**
 * Token mode's story, which provision mode ends with: a client's id and secret become an
 * access token for api.domo.com, masked, then outputs, environment and summary; with
 * token-command, the domo-token command for later steps.
 */
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import type { CreatedClient } from '../domo/clients.js';
import { basicCredential, requestToken, type Token, type TokenMethod } from '../domo/token.js';
import { debug, info, mask } from '../log.js';
import { handOver, writeTable } from '../outputs.js';
import { withRetry } from '../retry.js';
import { saveState } from '../state.js';
import { installTokenCommand } from '../tokenCommandFiles.js';

/** To the second: 2026-11-24T13:40:00Z. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export async function token(config: Config, ctx: Context, client?: CreatedClient): Promise<void> {
  const credentials = client
    ? { id: client.clientId, secret: client.clientSecret }
    : config.client!;
  const basic = basicCredential(credentials.id, credentials.secret);
  mask(basic);
  let method: TokenMethod = 'GET';
  const request = { apiUrl: config.apiUrl, basicCredential: basic, scopes: config.scopes };
  const answer = await withRetry(
    () =>
      requestToken(ctx.transport, request, method, (m) => {
        method = m;
        debug('Domo answered 405 to GET /oauth/token; sending the token request as a form POST.');
      }),
    ctx.retry('idempotent'),
  );
  mask(answer.accessToken);
  const expiresAt = isoSeconds(ctx.clock.now() + answer.expiresIn * 1000);

  const outputs: Record<string, string> = {
    'access-token': answer.accessToken,
    'token-type': answer.tokenType,
    'expires-in': String(answer.expiresIn),
    'expires-at': expiresAt,
    scope: answer.scope,
    customer: answer.customer,
    'user-id': answer.userId,
    role: answer.role,
  };
  const env: Record<string, string> = {};
  if (config.exportEnv) env[config.envVar] = answer.accessToken;
  if (client) {
    outputs['client-id'] = client.clientId;
    outputs['client-secret'] = client.clientSecret;
    if (config.exportEnv) {
      env.DOMO_CLIENT_ID = client.clientId;
      env.DOMO_CLIENT_SECRET = client.clientSecret;
    }
  }
  const exported = handOver(outputs, env);

  const who = answer.customer ? ` for ${answer.customer}` : '';
  info(
    `Domo access token ready${who}: scope "${answer.scope}", expires ${expiresAt} (in ${answer.expiresIn} s).`,
  );
  info(
    exported.length
      ? `Outputs set; exported ${exported.join(', ')} for later steps of this job.`
      : 'Outputs set; nothing exported (export-env: false).',
  );
  if (config.tokenCommand) {
    const folder = installTokenCommand({
      runnerTemp: ctx.env.RUNNER_TEMP ?? '',
      githubPathFile: ctx.env.GITHUB_PATH ?? '',
      nodePath: process.execPath,
      entry: `${ctx.entryDir}/domo-token.js`,
      platform: process.platform,
      settings: {
        clientId: credentials.id,
        clientSecret: credentials.secret,
        scopes: config.scopes,
        apiUrl: config.apiUrl,
        retries: config.retries,
        timeoutMs: config.timeoutMs,
        accessToken: answer.accessToken,
        expiresAtMs: ctx.clock.now() + answer.expiresIn * 1000,
      },
    });
    saveState({ tokenCommand: folder });
    info(`Installed domo-token for later steps of this job (${folder}).`);
  }
  if (config.summary) await summary(config, answer, expiresAt, exported, client);
}

async function summary(
  config: Config,
  answer: Token,
  expiresAt: string,
  exported: string[],
  client: CreatedClient | undefined,
): Promise<void> {
  const rows: Array<[string, string]> = [
    ['Mode', config.mode],
    ['Customer', answer.customer || '—'],
    ['User id', answer.userId || '—'],
    ['Role', answer.role || '—'],
    ['Scope granted', answer.scope || '—'],
    ['Token type', answer.tokenType],
    ['Expires at (UTC)', expiresAt],
    ['Environment', exported.length ? exported.join(', ') : '—'],
  ];
  if (config.tokenCommand) rows.push(['Fresh tokens', 'domo-token, for later steps']);
  if (client && config.provision) {
    rows.push(['API client', `${client.name} (${client.clientId})`]);
    rows.push([
      'Revocation',
      config.provision.deleteClient ? 'in the post step' : 'none (delete-client: false)',
    ]);
  }
  await writeTable('Domo access token', ['Field', 'Value'], rows);
}
