/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackUploadRefs {
  @Inject()
  db!: Db;

  /** Photos on ratings and 意见箱 notes: JSON [{url, thumbUrl}] (both names are read from the text). */
  @ReferencesUploads('feedback', ['feedback_item.photos'])
  async uploadsInUse(): Promise<UploadRefs> {
    return { names: [...(await uploadNamesInColumns(this.db.manager, 'feedback_item', [{ column: 'photos', kind: 'url' }]))] };
  }
}
