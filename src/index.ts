// The one bundle: dist/main.js, dist/post.js and dist/domo-token.js each call one of these.
export { main } from './main.js';
export { post } from './post.js';
export { tokenCommand } from './tokenCommand.js';
