/**
 * Typed rows of a journey evaluation and the small writer that inserts them: each table names its
 * columns once, next to the field each comes from, so no positional tuple has to line up with a
 * column list. Multi-row INSERTs with plain `?` placeholders (bulkInsert) keep the engine's speed.
 */
import type { EntityManager } from 'typeorm';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';

export interface StepLogRow {
  enrolmentId: number;
  stepIndex: number | null;
  outcome: string;
  detail: string | null;
  messageTo: string | null;
  at: Date;
}

export interface CouponRow {
  idemKey: string;
  /** Not columns: the step that issues it (an A/B test on the step may change its terms). */
  journeyId: number;
  stepIndex: number;
  memberId: number | null;
  externalUserId: string;
  enrolmentId: number;
  title: string;
  amountFen: number;
  minSpendFen: number;
  validUntil: Date;
  status: 'issued';
  issuedAt: Date;
}

export interface TaskRow {
  idemKey: string;
  assignee: 'owner' | 'store_manager';
  staffUserId: string | null;
  storeId: number | null;
  externalUserId: string;
  memberId: number | null;
  enrolmentId: number;
  journeyName: string;
  title: string;
  detail: string | null;
  status: 'open';
  dueAt: Date;
  createdAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
}

/** A table: its name, and per column the field of the row it holds. */
export interface RowTable<R> {
  name: string;
  columns: { [column: string]: (r: R) => BulkValue };
  /** a unique column: a row whose key is already there is skipped (written exactly once) */
  key?: string;
}

export const STEP_LOG: RowTable<StepLogRow> = {
  name: 'journey_step_log',
  columns: {
    enrolment_id: (r) => r.enrolmentId,
    step_index: (r) => r.stepIndex,
    outcome: (r) => r.outcome,
    detail: (r) => r.detail,
    message_to: (r) => r.messageTo,
    at: (r) => r.at,
  },
};

export const COUPONS: RowTable<CouponRow> = {
  name: 'journey_coupon',
  key: 'idem_key',
  columns: {
    idem_key: (r) => r.idemKey,
    member_id: (r) => r.memberId,
    external_user_id: (r) => r.externalUserId,
    enrolment_id: (r) => r.enrolmentId,
    title: (r) => r.title,
    amount_fen: (r) => r.amountFen,
    min_spend_fen: (r) => r.minSpendFen,
    valid_until: (r) => r.validUntil,
    status: (r) => r.status,
    issued_at: (r) => r.issuedAt,
  },
};

export const TASKS: RowTable<TaskRow> = {
  name: 'staff_task',
  key: 'idem_key',
  columns: {
    idem_key: (r) => r.idemKey,
    assignee: (r) => r.assignee,
    staff_user_id: (r) => r.staffUserId,
    store_id: (r) => r.storeId,
    external_user_id: (r) => r.externalUserId,
    member_id: (r) => r.memberId,
    enrolment_id: (r) => r.enrolmentId,
    journey_name: (r) => r.journeyName,
    title: (r) => r.title,
    detail: (r) => r.detail,
    status: (r) => r.status,
    due_at: (r) => r.dueAt,
    created_at: (r) => r.createdAt,
    done_at: (r) => r.doneAt,
    done_by: (r) => r.doneBy,
  },
};

/** Insert typed rows into their table (multi-row INSERTs; keyed tables skip rows already there). */
export async function writeRows<R>(em: EntityManager, table: RowTable<R>, rows: R[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(table.columns);
  const fields = Object.values(table.columns);
  await bulkInsert(
    em,
    table.name,
    columns,
    rows.map((r) => fields.map((f) => f(r))),
    table.key ? { ignoreDuplicate: table.key } : {},
  );
}
