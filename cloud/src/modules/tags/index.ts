/** The tags module's public face: member tags, RFM tiers, WeCom corp tags and their sync. Its events are in events.ts. */
export { TagService } from './tag.service';
export { RfmService } from './rfm.service';
export { RFM_TIERS, type RfmTier } from './rfm.rules';
export { CorpTagService, RFM_TAG_GROUP, OUR_TAG_GROUP } from './corp-tag.service';
export { TagSyncService, groupOf } from './tag-sync.service';
