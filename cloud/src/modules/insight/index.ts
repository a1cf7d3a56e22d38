/** The insight module's public face: A/B assignment and the attendee spend uplift. Its events are in events.ts. */
export { AbTestService } from './ab.service';
export * from './uplift.public';
