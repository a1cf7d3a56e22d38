/**
 * Outbound platform calls (WeCom tag marks, welcome templates, contact-way updates…) are queued rows
 * sent by one worker. Each module registers the sender of its kind on one of its singleton
 * providers, the way @OnEvent and @Job are registered, so the worker imports no module's services:
 *
 *   @OutboundHandler('mark_tag')
 *   markTagHandler(): OutboundSender<MarkTagPayload> { … }
 */
import type { ClassType } from '@midwayjs/core';

export interface OutboundHandlerMark {
  kind: string;
  target: ClassType<object>;
  method: string;
}

const marks: OutboundHandlerMark[] = [];

/** Mark a provider method that returns the sender of one outbound kind. */
export function OutboundHandler(kind: string): MethodDecorator {
  return (target, key) => {
    marks.push({ kind, target: (target as { constructor: ClassType<object> }).constructor, method: String(key) });
  };
}

export function outboundHandlerMarks(): readonly OutboundHandlerMark[] {
  return marks;
}
