/** Public reads of the credited dishes (contracts/contest.ts: listDishes, getDish). */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/contest';
import type { RouteParsed } from '../../../../contracts/route';
import { Route } from '../../core/route';
import { DishService } from './dish.service';

@Controller('/')
export class MenuController {
  @Inject()
  dishes!: DishService;

  @Route(api.listDishes)
  async listDishes({ query }: RouteParsed<typeof api.listDishes>) {
    return this.dishes.list(query.page, query.pageSize);
  }

  @Route(api.getDish)
  async getDish({ params }: RouteParsed<typeof api.getDish>) {
    return this.dishes.get(params.dishId);
  }
}
