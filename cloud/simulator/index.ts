export { startSimulator } from './server';
export type { SimulatorHandle, SimulatorOptions } from './server';
export type { SimCall, SimFault, FaceName } from './state';
export type { SimFace, SimRoute, SimRequest, SimResult } from './router';
export { WECHAT_CODE_TTL_MS } from './wechat';
export { WECOM_TOKEN_TTL_SEC, WECOM_TICKET_TTL_SEC, WECOM_OAUTH_CODE_TTL_MS } from './wecom';
export { simulatorOptionsFromEnv } from './from-env';
