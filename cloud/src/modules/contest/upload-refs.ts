/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('contest', ['contest.cover_url', 'contest_entry.photos'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return {
      names: [
        ...(await uploadNamesInColumns(em, 'contest', [{ column: 'cover_url', kind: 'url' }])),
        ...(await uploadNamesInColumns(em, 'contest_entry', [{ column: 'photos', kind: 'name' }])),
      ],
    };
  }
}
