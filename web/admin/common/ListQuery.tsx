/**
 * The state, toolbar and table of a searchable, filterable, paged ops list (渠道活码, 课程活动, 会员):
 * a search box, one filter select and a "new" button; searching or filtering goes back to page 1.
 */
import { useState, type HTMLAttributes } from 'react';
import { Alert, Button, Input, Select, Space } from 'antd';
import { DataTable } from './DataTable';
import { PlusOutlined } from '@ant-design/icons';
import type { ColumnsType, TablePaginationConfig } from 'antd/es/table';
import type { Loaded } from './useLoaded';

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

/** The error line and the clickable, paged table of a list driven by useListQuery + useLoaded. */
export function ListTable<T extends { id: number | string }>({
  query,
  loaded,
  columns,
  testId,
  scrollX,
  emptyText,
  showTotal,
  pagination,
  onRowClick,
  rowTestId,
}: {
  query: ListQuery<unknown>;
  loaded: Loaded<{ items: T[]; total: number }>;
  columns: ColumnsType<T>;
  testId: string;
  scrollX: number;
  emptyText: string;
  showTotal: (total: number) => string;
  /** Extra pagination settings (e.g. an always-shown size changer). */
  pagination?: TablePaginationConfig;
  onRowClick: (row: T) => void;
  rowTestId: (row: T) => string;
}) {
  const { data, loading, error } = loaded;
  return (
    <>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <div data-testid={testId}>
        <DataTable<T>
          className="clickable-rows"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          scroll={{ x: scrollX }}
          locale={{ emptyText }}
          pagination={{ current: query.page, pageSize: query.pageSize, total: data?.total ?? 0, showTotal, ...pagination }}
          onChange={query.onTableChange}
          onRow={(r) => ({ onClick: () => onRowClick(r), 'data-testid': rowTestId(r) }) as HTMLAttributes<HTMLElement>}
        />
      </div>
    </>
  );
}
