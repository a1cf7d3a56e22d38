/**
 * Runs the simulator on its own: `npx ts-node cloud/simulator/main.ts` (or the compiled .js).
 * Port from SIMULATOR_PORT (default 7071), host from SIMULATOR_HOST (default 127.0.0.1);
 * credentials from the same WECHAT_* / WECOM_* variables the server reads.
 */
import { loadEnv } from '../src/config/env';
import { simulatorOptionsFromEnv } from './from-env';
import { startSimulator } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  const sim = await startSimulator(simulatorOptionsFromEnv(env, process.env.SIMULATOR_HOST ?? '127.0.0.1'));
  console.log(`WeChat/WeCom simulator listening on ${sim.url} (faces /wechat /wecom, control /__sim)`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
