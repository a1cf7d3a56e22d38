/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('identity', ['member.avatar_url'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return { names: [...(await uploadNamesInColumns(em, 'member', [{ column: 'avatar_url', kind: 'url' }]))] };
  }
}
