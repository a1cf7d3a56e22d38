import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/system';
import { Route } from '../../core/route';
import { SystemService } from './system.service';

@Controller('/')
export class SystemController {
  @Inject()
  system!: SystemService;

  @Route(api.health)
  async health() {
    return this.system.health();
  }

  @Route(api.publicConfig)
  async publicConfig() {
    return this.system.publicConfig();
  }
}
