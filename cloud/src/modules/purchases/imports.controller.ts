/** Thin HTTP layer for the import routes and the catalogue list (contracts/purchases.ts). */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { Like } from 'typeorm';
import * as api from '../../../../contracts/purchases';
import type { RouteParsed as P } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Db } from '../../core/db';
import { Route } from '../../core/route';
import { ImportService } from './imports.service';
import { Product } from './entities/receipt.entity';

@Controller('/')
export class ImportsController {
  @Inject()
  imports!: ImportService;

  @Inject()
  db!: Db;

  @Route(api.uploadImport)
  async uploadImport({ query }: P<typeof api.uploadImport>, auth: AuthContext, ctx: Context) {
    return this.imports.upload(auth.staff(), ctx.req, query);
  }

  @Route(api.startImport)
  async startImport({ params, body }: P<typeof api.startImport>, auth: AuthContext) {
    return this.imports.start(auth.staff(), params.id, body);
  }

  @Route(api.getImport)
  async getImport({ params }: P<typeof api.getImport>, auth: AuthContext) {
    return this.imports.get(auth.staff(), params.id);
  }

  @Route(api.listImports)
  async listImports({ query }: P<typeof api.listImports>, auth: AuthContext) {
    return this.imports.list(auth.staff(), query);
  }

  @Route(api.importErrors)
  async importErrors({ params, query }: P<typeof api.importErrors>, auth: AuthContext) {
    return this.imports.errors(auth.staff(), params.id, query);
  }

  @Route(api.importErrorsCsv)
  async importErrorsCsv({ params }: P<typeof api.importErrorsCsv>, auth: AuthContext, ctx: Context) {
    const body = await this.imports.errorsCsv(auth.staff(), params.id);
    ctx.set('content-type', 'text/csv; charset=utf-8');
    ctx.set('content-disposition', `attachment; filename="import-${params.id}-errors.csv"`);
    return body;
  }

  @Route(api.undoImport)
  async undoImport({ params }: P<typeof api.undoImport>, auth: AuthContext) {
    return this.imports.undo(auth.staff(), params.id);
  }

  @Route(api.listProducts)
  async listProducts({ query }: P<typeof api.listProducts>, auth: AuthContext) {
    auth.staff();
    const where = query.q ? [{ name: Like(`%${query.q.replace(/[%_]/g, '')}%`) }, { sku: query.q }] : {};
    const [rows, total] = await this.db.manager.findAndCount(Product, {
      where,
      order: { sku: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return {
      items: rows.map((p) => ({
        sku: p.sku,
        name: p.name,
        categoryPath: p.categoryPath,
        brand: p.brand,
        flags: p.flags ? p.flags.split(',').filter(Boolean) : [],
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
