/**
 * Old names of the calendar helpers, kept only for the journey engine until its owner's rewrite
 * lands; the arithmetic lives once in contracts/calendar.ts.
 */
export { quietUntil, weekStart as shanghaiWeekStart, monthOf as shanghaiMonth } from '../../../../contracts/calendar';
