import { describeHttpTarget } from '../tools/edge/http-target-suite.js';
import { startServer } from '../tools/edge/harness.js';

// `seqpipe bundle --target node`: server.mjs under plain `node`, no repository code on its path.
describeHttpTarget('node', (fixture) =>
  startServer(process.execPath, ['server.mjs'], { cwd: fixture.bundleDir, env: { PORT: '0' } }),
);
