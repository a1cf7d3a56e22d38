/** The chat customer's churn risk (against their own rhythm) with the reasons; hidden when there is none. */
import { useEffect, useState } from 'react';
import * as feedback from '../../../contracts/feedback';
import type { ApiClient } from '../../shared/api';

const LEVEL: Record<feedback.ChurnRisk['level'], string> = { high: '高', medium: '中', low: '低' };

export function ChurnRiskCard({ api, externalUserId }: { api: ApiClient; externalUserId: string }) {
  const [risk, setRisk] = useState<feedback.ChurnRisk | null>(null);
  useEffect(() => {
    let live = true;
    api.call(feedback.sidebarChurnRisk, { params: { externalUserId } }).then(
      (r) => live && setRisk(r.risk),
      () => live && setRisk(null),
    );
    return () => {
      live = false;
    };
  }, [api, externalUserId]);
  if (!risk) return null;
  return (
    <section className="sb-card" data-testid="sidebar-churn-risk">
      <h3>
        流失风险：{LEVEL[risk.level]}（{risk.score}分）
      </h3>
      <ul className="sb-small">
        {risk.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {risk.suggestedCause === 'too_many_messages' && (
        <p className="sb-small" data-testid="sidebar-churn-quiet">
          建议少发群发消息，改为一对一问候。
        </p>
      )}
    </section>
  );
}
