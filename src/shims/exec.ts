// @actions/core re-exports `platform`, whose getDetails() shells out through @actions/exec
// (and @actions/io) to describe the runner's OS. domo-auth never asks, so tsconfig's `paths`
// points the bundler at this stub and keeps about 13 KB of process-spawning code out of
// dist/. Reaching it means a new code path needs the real package.
function notBundled(): never {
  throw new Error(
    '@actions/exec is not bundled with domo-auth (core.platform.getDetails is not supported)',
  );
}

export const exec = notBundled;
export const getExecOutput = notBundled;
