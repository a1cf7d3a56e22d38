/** Tags for contest phases, entry statuses, award stages and content-check hits. */
import { Tag, Tooltip } from 'antd';
import * as contest from '../../../../contracts/contest';

const PHASE_COLORS: Record<contest.ContestSummary['phase'], string> = {
  draft: 'default',
  upcoming: 'blue',
  submitting: 'green',
  voting: 'orange',
  submitting_voting: 'green',
  between: 'cyan',
  counting: 'purple',
  closed: 'default',
};

export function PhaseTag({ contest: c }: { contest: Pick<contest.ContestSummary, 'phase' | 'phaseLabel'> }) {
  return (
    <Tag color={PHASE_COLORS[c.phase]} data-testid="contest-phase-tag">
      {c.phaseLabel}
    </Tag>
  );
}

const STATUS_COLORS: Record<(typeof contest.ENTRY_STATUSES)[number], string> = {
  pending: 'gold',
  approved: 'green',
  rejected: 'red',
  withdrawn: 'default',
};

export function StatusTag({ status }: { status: (typeof contest.ENTRY_STATUSES)[number] }) {
  return <Tag color={STATUS_COLORS[status]}>{contest.ENTRY_STATUS_LABELS[status]}</Tag>;
}

export function AwardTag({ award }: { award: (typeof contest.AWARD_STAGES)[number] | null }) {
  if (!award) return null;
  return <Tag color={award === 'listed' ? 'green' : 'volcano'}>{contest.AWARD_LABELS[award]}</Tag>;
}

/** One content-check hit: kind and the matched term, with where and the words around it on hover. */
export function HitTag({ hit }: { hit: contest.CheckHit }) {
  return (
    <Tooltip title={`${hit.field}：…${hit.excerpt}…`}>
      <Tag color={hit.kind === 'blocked_word' ? 'magenta' : 'red'} data-testid="check-hit">
        {contest.CHECK_KIND_LABELS[hit.kind]}：{hit.term}
      </Tag>
    </Tooltip>
  );
}
