import { describeHttpTarget } from '../tools/edge/http-target-suite.js';
import { freePort, npmBin, startServer } from '../tools/edge/harness.js';

// `seqpipe bundle --target worker`: the Worker module under Cloudflare's workerd (npm
// `workerd`), with the config.capnp the bundle ships; the socket moved to a free loopback port.
describeHttpTarget('worker', async (fixture) => {
  const port = await freePort();
  return startServer(
    npmBin('workerd'),
    ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`],
    { cwd: fixture.bundleDir, url: `http://127.0.0.1:${port}` },
  );
});
