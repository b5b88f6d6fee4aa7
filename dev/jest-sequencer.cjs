// Jest test sequencer for `npm test` (jest.config.js): Jest's own order, unless `--randomize`
// is given. `--randomize` shuffles the tests inside each file from its seed, but not the order
// of the files; in one process (`--runInBand`, or any machine with two cores) a test can also
// trip over what an earlier file left behind. With `--randomize`, the files too are shuffled
// from the seed, so `--randomize --seed N --runInBand` replays a failing run's whole order.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

/** mulberry32: a small seeded generator, the same order for the same seed everywhere. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class RandomizableSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.globalConfig = options.globalConfig;
  }

  sort(tests) {
    const { randomize, seed } = this.globalConfig;
    if (!randomize) return super.sort(tests);
    // From a fixed order (Jest finds files in no set order), then a Fisher-Yates shuffle.
    const order = [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const random = seeded(seed);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
}

module.exports = RandomizableSequencer;
