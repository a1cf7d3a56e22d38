/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';

/** Injected by config/index.ts defineConstants: the cloud's base URL ('' = same origin in h5). */
declare const API_BASE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform being built; replaced at build time. */
    TARO_ENV: 'weapp' | 'h5' | string;
    TARO_APP_API_BASE?: string;
  }
}
