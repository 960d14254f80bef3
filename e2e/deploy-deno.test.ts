import { describeHttpTarget } from '../tools/edge/http-target-suite.js';
import { npmBin, startServer } from '../tools/edge/harness.js';

// `seqpipe bundle --target deno`: server.mjs under Deno (npm `deno`), with only the permissions
// it needs: read its own files, listen, read PORT/HOST.
describeHttpTarget('deno', (fixture) =>
  startServer(
    npmBin('deno'),
    ['run', '--no-prompt', '--allow-read=.', '--allow-net=127.0.0.1', '--allow-env', 'server.mjs'],
    {
      cwd: fixture.bundleDir,
      env: { PORT: '0', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: `${fixture.dir}/.deno` },
    },
  ),
);
