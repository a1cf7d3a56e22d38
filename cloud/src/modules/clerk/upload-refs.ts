/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClerkUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('clerk', ['material.pic_url', 'material.url'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return {
      names: [
        ...(await uploadNamesInColumns(em, 'material', [
          { column: 'pic_url', kind: 'url' },
          { column: 'url', kind: 'url' },
        ])),
      ],
    };
  }
}
