import type { AppEnv } from '../src/config/env';
import type { SimulatorOptions } from './server';

/** The simulator accepts exactly the credentials the server is configured with. */
export function simulatorOptionsFromEnv(env: AppEnv, host = '127.0.0.1'): SimulatorOptions {
  return {
    port: env.SIMULATOR_PORT,
    host,
    wechat: { appId: env.WECHAT_APPID, appSecret: env.WECHAT_APPSECRET },
    wecom: {
      corpId: env.WECOM_CORP_ID,
      contactSecret: env.WECOM_CONTACT_SECRET,
      agentId: env.WECOM_AGENT_ID,
      agentSecret: env.WECOM_AGENT_SECRET,
      callbackToken: env.WECOM_CALLBACK_TOKEN,
      encodingAESKey: env.WECOM_ENCODING_AES_KEY,
    },
  };
}
