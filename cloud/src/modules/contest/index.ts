/** The contest module's public face: contests, entries and the shared content check. Its events are in events.ts. */
export { ContestService } from './contest.service';
export { EntryService } from './entry.service';
export { checkContent, type CheckInput, type CheckResult } from './content-check';
