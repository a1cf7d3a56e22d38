export { Job, JobRunner, registeredJobs, type JobContext, type JobOptions } from './job';
export { JobLease } from './job-lease.entity';
