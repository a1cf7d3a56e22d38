/**
 * 菜谱大赛 section of the ops page. The list and one contest share the section route; the open
 * contest is in the query (#/contests?id=3) so links and reloads keep it.
 */
import { useSearchParams } from 'react-router-dom';
import { ContestDetail } from './ContestDetail';
import { ContestList } from './ContestList';

export function ContestsPage() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('id');
  const id = raw && /^\d+$/.test(raw) ? Number(raw) : null;
  if (id) return <ContestDetail key={id} contestId={id} onBack={() => setParams({})} />;
  return <ContestList onOpen={(contestId) => setParams({ id: String(contestId) })} />;
}
