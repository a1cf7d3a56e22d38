/**
 * Starts the cloud-function app: @midwayjs/faas as the main framework with FunctionsConfiguration,
 * scanning the same sources as the server except its koa entry and HTTP controllers. A provider
 * starter (e.g. @midwayjs/fc-starter's BootstrapStarter) takes the same options:
 *   { appDir, baseDir: SRC_DIR, imports: [require('./configuration')], ignore: FUNCTION_IGNORE }
 * Tests and local runs use startFunctionApp() and invoke timers with invokeTimer().
 */

import { type IMidwayContainer, MidwayFrameworkService, destroyGlobalApplicationContext, initializeGlobalApplicationContext } from '@midwayjs/core';
import type { Framework as FaasFramework } from '@midwayjs/faas';
import { loggers } from '@midwayjs/logger';
import { SRC_DIR, repoRoot } from '../config/runtime';
import * as FunctionsModule from './configuration';

/** Relative to SRC_DIR: the server's koa configuration and its HTTP controllers are not part of the function app. */
export const FUNCTION_IGNORE = [
  'configuration.ts',
  'configuration.js',
  '**/*.controller.ts',
  '**/*.controller.js',
  '**/functions/http-*.ts',
  '**/functions/http-*.js',
];

export interface FunctionApp {
  container: IMidwayContainer;
  framework: FaasFramework;
  /** Handler names registered with the framework (one per function). */
  handlers(): string[];
  /** Invoke a timer function by its functionName (what the provider does when the timer fires). */
  invokeTimer<T = unknown>(functionName: string, event?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startFunctionApp(o: { globalConfig?: Record<string, unknown> } = {}): Promise<FunctionApp> {
  const container = await initializeGlobalApplicationContext({
    appDir: repoRoot(),
    baseDir: SRC_DIR,
    imports: [FunctionsModule],
    ignore: FUNCTION_IGNORE,
    loggerFactory: loggers,
    globalConfig: o.globalConfig ?? {},
  } as Parameters<typeof initializeGlobalApplicationContext>[0]);
  const framework = (await container.getAsync(MidwayFrameworkService)).getMainFramework() as unknown as FaasFramework;
  await framework.loadFunction();
  const store = (framework as unknown as { funMappingStore: Map<string, { funcHandlerName: string; functionName?: string; functionTriggerName?: string }> })
    .funMappingStore;
  return {
    container,
    framework,
    handlers: () => [...store.values()].map((f) => f.functionName ?? f.funcHandlerName),
    async invokeTimer<T>(functionName: string, event: Record<string, unknown> = {}): Promise<T> {
      const info = [...store.values()].find((f) => f.functionName === functionName || f.funcHandlerName === functionName);
      if (!info) throw new Error(`no function ${functionName}`);
      const ctx = framework.getApplication().createAnonymousContext({
        originEvent: { triggerTime: new Date().toJSON(), triggerName: functionName, payload: '', ...event },
        originContext: {},
      } as never);
      return (await framework.invokeTriggerFunction(ctx, info.funcHandlerName, { isHttpFunction: false })) as T;
    },
    close: () => destroyGlobalApplicationContext(container),
  };
}
