/**
 * Login mode's story: the credential Domo's own tools take. `domo publish`, Domo's Java CLI and
 * the instance APIs accept a developer token, never an api.domo.com token. The credential is
 * checked (who it is), a short-lived developer token is minted for the job where `job-token`
 * says so, handed to later steps and to the Domo CLI, and the post step cleans up.
 */
import { loginPaths, secretsOf, writeLogins } from '../cliLogin.js';
import type { Config, LoginConfig } from '../config.js';
import type { Context } from '../context.js';
import { instanceCredential } from '../credential.js';
import { mintAccessToken, warnOfOrphanToken, type MintedToken } from '../domo/accessTokens.js';
import type { InstanceAuth } from '../domo/auth.js';
import { currentUser, type CredentialSource, type DomoUser } from '../domo/users.js';
import { ActionError, describe } from '../errors.js';
import { info, mask } from '../log.js';
import { handOver, writeTable } from '../outputs.js';
import { withRetry } from '../retry.js';
import { saveState, type SavedLogin } from '../state.js';
import { isoSeconds } from './token.js';

const SOURCE: Record<LoginConfig['session']['kind'], CredentialSource> = {
  'developer-token': 'developer-token',
  'session-token': 'session-token',
  password: 'username',
  'session-cookie': 'session-cookie',
};

export async function login(config: Config, ctx: Context): Promise<void> {
  const l = config.login!;
  const developer = l.session.kind === 'developer-token';
  const credential = await instanceCredential(l, ctx.transport, ctx.retry);
  const auth: InstanceAuth = { kind: developer ? 'developer-token' : 'session', credential };
  const user = await withRetry(
    () => currentUser(ctx.transport, l.instanceUrl, auth, SOURCE[l.session.kind]),
    ctx.retry('idempotent'),
  );
  info(
    `${l.instanceUrl} knows the credential: user ${user.id}${user.name ? ` (${user.name})` : ''}.`,
  );
  const shared = {
    instanceUrl: l.instanceUrl,
    authKind: auth.kind,
    credential,
    retries: config.retries,
    timeoutMs: config.timeoutMs,
  };
  const minted = l.mint ? await mint(l, ctx, auth, user, shared) : undefined;
  const developerToken = minted?.token ?? credential;
  mask(developerToken);

  const outputs = {
    'developer-token': developerToken,
    instance: l.host,
    'user-id': user.id,
    'user-name': user.name,
    'expires-at': minted ? isoSeconds(minted.expiresMs) : '',
  };
  const env: Record<string, string> = config.exportEnv
    ? { DOMO_INSTANCE: l.host, DOMO_DEVELOPER_TOKEN: developerToken }
    : {};
  const exported = handOver(outputs, env);
  const how = minted
    ? `minted for this job, expires ${outputs['expires-at']}`
    : 'handed over as it is';
  info(
    `Domo developer token ready for ${l.host} (${how}); ${exported.length ? `exported ${exported.join(', ')}` : 'nothing exported (export-env: false)'}.`,
  );
  const files = l.cliLogin ? cliLogin(l, ctx, developerToken) : [];
  if (config.summary) await summary(l, user, minted, outputs['expires-at'], exported, files);
}

/** Mints the job's token; the post step's state is saved the moment it exists. */
async function mint(
  l: LoginConfig,
  ctx: Context,
  auth: InstanceAuth,
  user: DomoUser,
  shared: Parameters<typeof saveState>[0],
): Promise<MintedToken> {
  const expiresMs = ctx.clock.now() + l.hours * 3_600_000;
  info(`Minting Domo developer token "${l.tokenName}" for this job (${l.hours} h).`);
  let minted: MintedToken;
  try {
    minted = await withRetry(
      () =>
        mintAccessToken(
          ctx.transport,
          l.instanceUrl,
          auth,
          { name: l.tokenName, ownerId: user.id, expiresMs },
          {
            onSecret: (value) => mask(value),
            sourceIsDeveloperToken: auth.kind === 'developer-token',
          },
        ),
      ctx.retry('creates'),
    );
  } catch (err) {
    throw warnOfOrphanToken(err, l.tokenName);
  }
  const label = `"${minted.name}" (id ${minted.id})`;
  try {
    saveState({ ...shared, accessTokenId: minted.id, accessTokenName: minted.name });
  } catch (err) {
    throw new ActionError(
      `Minted Domo developer token ${label}, but could not save what the post step needs to revoke it (${describe(err)}). Revoke it by hand in ${l.instanceUrl}: Admin > Security > Access tokens; it expires by itself at ${isoSeconds(minted.expiresMs)}.`,
    );
  }
  info(`Minted Domo developer token ${label}; the post step revokes it.`);
  return minted;
}

/** Logs the Domo CLI in: its login files, with what was there before saved for the post step. */
function cliLogin(l: LoginConfig, ctx: Context, token: string): SavedLogin[] {
  const paths = loginPaths(ctx.env, process.platform, l.host);
  let saved: SavedLogin[];
  try {
    saved = writeLogins(paths, l.host, token);
  } catch (err) {
    throw new ActionError(
      `Could not log the Domo CLI in (${describe(err)}): its login file could not be written. Set \`cli-login: false\` and log in another way, or check the runner's home folder.`,
    );
  }
  // An earlier login's token is a secret of someone else's: masked before state shows it.
  const earlier = saved.flatMap((s) => secretsOf(s.previous));
  saveState({ loginToken: token, logins: saved }, earlier);
  for (const { path, previous } of saved) {
    info(
      `Logged the Domo CLI in to ${l.host}: ${path}${previous === null ? '' : ' (an earlier login there is put back by the post step)'}.`,
    );
  }
  return saved;
}

async function summary(
  l: LoginConfig,
  user: DomoUser,
  minted: MintedToken | undefined,
  expiresAt: string,
  exported: string[],
  files: SavedLogin[],
): Promise<void> {
  const rows: Array<[string, string]> = [
    ['Mode', 'login'],
    ['Instance', l.host],
    ['User', user.name ? `${user.name} (${user.id})` : user.id],
    [
      'Developer token',
      minted ? `minted for this job: "${minted.name}" (id ${minted.id})` : 'handed over as it is',
    ],
    ['Expires at (UTC)', expiresAt || '—'],
    ['Environment', exported.length ? exported.join(', ') : '—'],
    ['Domo CLI', files.length ? `logged in (${files.length} login file(s))` : 'not logged in'],
    ['Revocation', minted ? 'in the post step' : 'none (a token handed over is never revoked)'],
  ];
  await writeTable('Domo developer token', ['Field', 'Value'], rows);
}
