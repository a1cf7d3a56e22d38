export * from './route';
export * from './errors';
export * as identity from './identity';
export * as system from './system';
export * as wecom from './wecom';
export { CURRENT_PRIVACY_VERSION } from './identity';
export * from './client';
