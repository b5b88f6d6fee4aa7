// The one bundle: dist/main.js, dist/post.js and dist/domo-token.js each call one of these.
// Each entry loads only what it runs ("eager" keeps every module in this one file): a cached
// domo-token answer then never loads https, and token mode never loads login mode.
export const main = async (): Promise<void> =>
  (await import(/* webpackMode: "eager" */ './main.js')).main();
export const post = async (): Promise<void> =>
  (await import(/* webpackMode: "eager" */ './post.js')).post();
export const tokenCommand = async (): Promise<void> =>
  (await import(/* webpackMode: "eager" */ './tokenCommand.js')).tokenCommand();
