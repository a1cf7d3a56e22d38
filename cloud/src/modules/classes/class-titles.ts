/** Public read for other modules (community): class titles and stores by id. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { ClassDef } from './entities/class-def.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassTitles {
  @Inject()
  db!: Db;

  async byIds(classIds: number[]): Promise<Map<number, { title: string; storeId: number }>> {
    const ids = [...new Set(classIds)];
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(ClassDef, { where: { id: In(ids) }, select: { id: true, title: true, storeId: true } });
    return new Map(rows.map((r) => [r.id, { title: r.title, storeId: r.storeId }]));
  }
}
