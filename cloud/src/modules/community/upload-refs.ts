/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('community', ['community_kit.poster_url', 'community_kit.materials', 'community_sop.text'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return {
      names: [
        ...(await uploadNamesInColumns(em, 'community_kit', [
          { column: 'poster_url', kind: 'url' },
          { column: 'materials', kind: 'url' },
        ])),
        ...(await uploadNamesInColumns(em, 'community_sop', [{ column: 'text', kind: 'url' }])),
      ],
    };
  }
}
