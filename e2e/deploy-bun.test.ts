import { describeHttpTarget } from '../tools/edge/http-target-suite.js';
import { npmBin, startServer } from '../tools/edge/harness.js';

// `seqpipe bundle --target bun`: server.mjs under Bun (npm `bun`), served by Bun.serve.
describeHttpTarget('bun', (fixture) =>
  startServer(npmBin('bun'), ['server.mjs'], {
    cwd: fixture.bundleDir,
    env: { PORT: '0', DO_NOT_TRACK: '1' },
  }),
);
