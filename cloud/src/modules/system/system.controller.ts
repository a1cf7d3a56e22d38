import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/system';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { ClientErrorService } from './client-errors';
import { SystemService } from './system.service';

@Controller('/')
export class SystemController {
  @Inject()
  system!: SystemService;

  @Inject()
  clientErrors!: ClientErrorService;

  @Route(api.health)
  async health() {
    return this.system.health();
  }

  @Route(api.publicConfig)
  async publicConfig() {
    return this.system.publicConfig();
  }

  @Route(api.reportClientError)
  async reportClientError({ body }: RouteParsed<typeof api.reportClientError>, _auth: AuthContext, ctx: Context) {
    if ((ctx.request.length ?? 0) > api.CLIENT_ERROR_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', '错误报告过大');
    if (!this.clientErrors.record(body, ctx.ip || 'unknown')) throw new AppError('RATE_LIMITED');
    return { ok: true as const };
  }
}
