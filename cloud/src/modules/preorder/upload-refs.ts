/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('preorder', ['preorder_item.photo_url'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return { names: [...(await uploadNamesInColumns(em, 'preorder_item', [{ column: 'photo_url', kind: 'url' }]))] };
  }
}
