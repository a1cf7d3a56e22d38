/** The journeys module's public face: staff tasks, enrolment / quieting (public.ts) and coupons. Its events are in events.ts. */
export * from './public';
export * from './coupons.public';
export { JourneyTasksService } from './tasks.service';
