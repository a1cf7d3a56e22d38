export { Job, JobRunner, registeredJobs, type JobContext, type JobOptions, type RunOptions, type RunOutcome } from './job';
export { JobLease } from './job-lease.entity';
