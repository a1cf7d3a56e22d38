/**
 * The HTTP cloud function (Alibaba Cloud FC, through Midway's @midwayjs/fc-starter): FC calls
 * `initializer` once per instance (the app boots: container, database, controllers) and `handler`
 * per request with an API-gateway event ({ path, httpMethod, headers, queryParameters, body,
 * isBase64Encoded }) or, on an FC HTTP trigger, the request itself. @midwayjs/faas routes the event to
 * the same @Route(contract) controllers the server has, through the same error filter.
 *
 * Before a function instance is frozen (right after it answers), the work a request started —
 * events to deliver, the WeCom welcome queued by a callback, outbound calls — is finished here, so
 * the 20-second welcome window holds on functions too.
 *
 * f.yml: handler `cloud/dist/cloud/src/functions/http-entry.handler`, initializer `….initializer`.
 */
import { BootstrapStarter } from '@midwayjs/fc-starter';
import { loggers } from '@midwayjs/logger';
import { SRC_DIR, repoRoot } from '../config/runtime';
import { EventBus } from '../core/events/event-bus';
import { InboxWorker } from '../modules/wecom/inbox.worker';
import { OutboundWorker } from '../modules/wecom/outbound.worker';
import { NoticeService } from '../modules/classes/notice.service';
import * as HttpFunctionModule from './http-configuration';

/** Relative to SRC_DIR: the server's koa configuration and the timer-function configuration are not part of the HTTP function. */
export const HTTP_FUNCTION_IGNORE = ['configuration.ts', 'configuration.js', '**/functions/configuration.ts', '**/functions/configuration.js', '**/*.d.ts'];

export interface GatewayEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryParameters: Record<string, string | string[]>;
  pathParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  clientIP?: string;
}

export interface GatewayResult {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** FC's function context, as much of it as the starter reads. */
export interface FcContext {
  requestId: string;
  function: { name: string; handler: string };
  service: { name: string };
  logger?: unknown;
  [key: string]: unknown;
}

const OVERRIDABLE = new Set(['PATCH', 'PUT', 'DELETE']);

/**
 * The mini-program's wx.request has no PATCH: its client sends POST + x-http-method-override.
 * The function routes before any middleware runs, so the override is applied to the event here.
 */
export function applyMethodOverride<E extends GatewayEvent | { method?: string; headers?: Record<string, unknown> }>(event: E): E {
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-http-method-override')?.[1];
  const wanted = String(header ?? '')
    .trim()
    .toUpperCase();
  if (!OVERRIDABLE.has(wanted)) return event;
  if ('httpMethod' in event) return String(event.httpMethod).toUpperCase() === 'POST' ? { ...event, httpMethod: wanted } : event;
  // FC's HTTP trigger hands over the request itself
  if (String(event.method).toUpperCase() === 'POST') (event as { method?: string }).method = wanted;
  return event;
}

export interface HttpFunction {
  initializer(context: FcContext): Promise<void>;
  /** (event, context) for API-gateway events; FC's HTTP trigger calls (request, response, context). */
  handler(event: GatewayEvent, context: FcContext, httpContext?: unknown): Promise<GatewayResult>;
  starter: BootstrapStarter;
}

export function createHttpFunction(o: { globalConfig?: Record<string, unknown> } = {}): HttpFunction {
  const starter = new BootstrapStarter();
  const exported = starter.start({
    appDir: repoRoot(),
    baseDir: SRC_DIR,
    imports: [HttpFunctionModule],
    ignore: HTTP_FUNCTION_IGNORE,
    loggerFactory: loggers,
    globalConfig: o.globalConfig ?? {},
    initializeMethodName: 'initializer',
    handlerName: 'index.handler',
  } as never) as Record<string, (...a: unknown[]) => Promise<unknown>>;

  async function settle(): Promise<void> {
    const container = starter.getApplicationContext();
    await (await container.getAsync(EventBus)).drain();
    await (await container.getAsync(InboxWorker)).idle();
    await (await container.getAsync(OutboundWorker)).idle();
    await (await container.getAsync(NoticeService)).idle();
  }

  return {
    starter,
    initializer: async (context) => {
      await exported.initializer(context);
    },
    handler: async (event, context, httpContext) => {
      const result = (await exported.handler(applyMethodOverride(event), context, httpContext)) as GatewayResult;
      await settle();
      return result;
    },
  };
}

let instance: HttpFunction | undefined;
const get = () => (instance ??= createHttpFunction());

/** FC entry points (f.yml → functions.api). */
export const initializer = (context: FcContext): Promise<void> => get().initializer(context);
export const handler = (event: GatewayEvent | Buffer | string, context: FcContext, httpContext?: unknown): Promise<GatewayResult> => {
  // FC hands API-gateway events over as bytes
  const parsed = Buffer.isBuffer(event) || typeof event === 'string' ? (JSON.parse(String(event)) as GatewayEvent) : event;
  return get().handler(parsed, context, httpContext);
};
