/** The classes module's public face: what other modules may use (class titles, the catalogue, authoring and listing classes, class figures). Its events are in events.ts. */
export { ClassTitles } from './class-titles';
export { CatalogService } from './catalog.service';
export { ClassAuthoringService } from './authoring.service';
export { ClassReportsService } from './reports.service';
