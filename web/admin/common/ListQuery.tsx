/**
 * The state and toolbar of a searchable, filterable, paged ops list (渠道活码, 课程活动): a search
 * box, one filter select and a "new" button; searching or filtering goes back to page 1.
 */
import { useState } from 'react';
import { Button, Input, Select, Space } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { TablePaginationConfig } from 'antd/es/table';

export interface ListQuery<F> {
  page: number;
  pageSize: number;
  q: string;
  filter: F | undefined;
  search(q: string): void;
  setFilter(f: F | undefined): void;
  /** For the Table's onChange: a new page size starts again at page 1. */
  onTableChange(p: TablePaginationConfig): void;
}

export function useListQuery<F>(initialPageSize = 20): ListQuery<F> {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [q, setQ] = useState('');
  const [filter, setFilterState] = useState<F | undefined>();
  return {
    page,
    pageSize,
    q,
    filter,
    search(v) {
      setQ(v.trim());
      setPage(1);
    },
    setFilter(f) {
      setFilterState(f);
      setPage(1);
    },
    onTableChange(p) {
      if (p.pageSize && p.pageSize !== pageSize) {
        setPageSize(p.pageSize);
        setPage(1);
      } else if (p.current) setPage(p.current);
    },
  };
}

export function ListToolbar<F extends string>({
  query,
  searchPlaceholder,
  filterPlaceholder,
  filterOptions,
  newLabel,
  newTestId,
  onNew,
}: {
  query: ListQuery<F>;
  searchPlaceholder: string;
  filterPlaceholder: string;
  filterOptions: Array<{ value: F; label: string }>;
  newLabel: string;
  newTestId: string;
  onNew: () => void;
}) {
  return (
    <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
      <Space wrap>
        <Input.Search placeholder={searchPlaceholder} allowClear enterButton="搜索" maxLength={40} style={{ width: 280 }} onSearch={query.search} />
        <Select<F> allowClear placeholder={filterPlaceholder} style={{ width: 140 }} value={query.filter} onChange={query.setFilter} options={filterOptions} />
      </Space>
      <Button type="primary" icon={<PlusOutlined />} data-testid={newTestId} onClick={onNew}>
        {newLabel}
      </Button>
    </Space>
  );
}
