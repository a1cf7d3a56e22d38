/**
 * Choose a store by name (grouped by region), never by typing its number. Loads the chain's stores
 * once per mount through `GET /api/admin/stores`.
 */
import { Select } from 'antd';
import * as org from '../../../contracts/org';
import { useAuth } from '../auth';
import { useLoaded } from './useLoaded';

export function StoreSelect(props: { value: number | null; onChange: (storeId: number | null) => void; testId?: string; placeholder?: string }) {
  const { api } = useAuth();
  const stores = useLoaded(() => api.call(org.listStores), [api]);
  const items = stores.data?.items ?? [];
  const regions = [...new Set(items.map((s) => s.region ?? '未分区'))];
  return (
    <Select
      showSearch
      allowClear
      style={{ minWidth: 220 }}
      loading={stores.loading}
      placeholder={props.placeholder ?? '选择门店'}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange(typeof v === 'number' ? v : null)}
      optionFilterProp="label"
      data-testid={props.testId}
      options={regions.map((r) => ({ label: r, options: items.filter((s) => (s.region ?? '未分区') === r).map((s) => ({ value: s.id, label: s.name })) }))}
    />
  );
}
