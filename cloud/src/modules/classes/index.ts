/** The classes module's public face: what other modules may use (class titles, the catalogue, admin reads of classes). Its events are in events.ts. */
export { ClassTitles } from './class-titles';
export { CatalogService } from './catalog.service';
export { ClassAdminService } from './admin.service';
