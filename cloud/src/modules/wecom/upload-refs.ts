/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('wecom', ['wecom_channel.welcome'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return { names: [...(await uploadNamesInColumns(em, 'wecom_channel', [{ column: 'welcome', kind: 'url' }]))] };
  }
}
