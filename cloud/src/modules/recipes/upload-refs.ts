/** The uploads this domain's records point at, for the orphaned-upload sweep (core/upload-refs.ts). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { ReferencesUploads, type UploadRefs, uploadNamesInColumns } from '../../core/upload-refs';

@Provide()
@Scope(ScopeEnum.Singleton)
export class RecipesUploadRefs {
  @Inject()
  db!: Db;

  @ReferencesUploads('recipes', ['recipe.cover_file', 'home_banner.image_file'])
  async uploadsInUse(): Promise<UploadRefs> {
    const em = this.db.manager;
    return {
      names: [
        ...(await uploadNamesInColumns(em, 'recipe', [{ column: 'cover_file', kind: 'name' }])),
        ...(await uploadNamesInColumns(em, 'home_banner', [{ column: 'image_file', kind: 'name' }])),
      ],
    };
  }
}
