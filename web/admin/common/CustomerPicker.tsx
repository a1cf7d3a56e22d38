/**
 * The customer picker: wherever ops choose a WeCom customer. Searches by name (WeCom name or member
 * nickname), whole phone number or tag (「#亲子家庭」 or the tag field), and shows name, avatar,
 * store, masked phone and the clerk — never the raw external_userid.
 */
import { useEffect, useRef, useState } from 'react';
import { Avatar, Select, Space, Tag, Typography } from 'antd';
import type { RouteResponse } from '../../../contracts/route';
import { searchCustomers } from '../../../contracts/members';
import { useAuth } from '../auth';

type Pick = RouteResponse<typeof searchCustomers>['items'][number];

function label(c: Pick) {
  return (
    <Space size={8} data-testid={`customer-option-${c.externalUserId}`}>
      <Avatar size="small" src={c.avatarUrl || undefined}>
        {Array.from((c.name ?? c.memberName ?? '客').trim())[0] ?? '客'}
      </Avatar>
      <span>{c.name ?? c.memberName ?? '未命名客户'}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {[c.storeName, c.phoneMasked, c.clerkName ? `跟进：${c.clerkName}` : null].filter(Boolean).join(' · ')}
      </Typography.Text>
      {c.tags.slice(0, 3).map((t) => (
        <Tag key={t} style={{ marginInlineEnd: 0 }}>
          {t}
        </Tag>
      ))}
    </Space>
  );
}

/** `value` is an external_userid; it is resolved to the customer's name for display. */
export function CustomerPicker({
  value,
  onChange,
  style,
  testId = 'customer-picker',
}: {
  value?: string;
  onChange: (externalUserId: string | undefined, c?: Pick) => void;
  style?: React.CSSProperties;
  testId?: string;
}) {
  const { api } = useAuth();
  const [options, setOptions] = useState<Pick[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const run = (text: string) => {
    const t = text.trim();
    // 「#标签」 searches by tag; a name and a tag: 「王 #亲子家庭」
    const tag = /#(\S+)/.exec(t)?.[1];
    const q = t.replace(/#\S+/g, '').trim();
    const mine = ++seq.current;
    setLoading(true);
    api.call(searchCustomers, { query: { q: q || undefined, tag } }).then(
      (r) => {
        if (mine !== seq.current) return;
        setOptions(r.items);
        setLoading(false);
      },
      () => mine === seq.current && setLoading(false),
    );
  };

  useEffect(() => {
    run('');
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  // the current value (e.g. opened from a link) is resolved to a name
  useEffect(() => {
    if (!value || options.some((o) => o.externalUserId === value)) return;
    let live = true;
    api.call(searchCustomers, { query: { externalUserId: value } }).then(
      (r) => live && r.items.length && setOptions((o) => [...r.items, ...o]),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, value]);

  return (
    <Select
      showSearch
      allowClear
      value={value || undefined}
      placeholder="搜索客户：姓名、完整手机号或 #标签"
      filterOption={false}
      loading={loading}
      notFoundContent={loading ? '搜索中…' : '没有找到客户'}
      onSearch={(t) => {
        clearTimeout(timer.current);
        timer.current = setTimeout(() => run(t), 250);
      }}
      onChange={(v: string | undefined) =>
        onChange(
          v,
          options.find((o) => o.externalUserId === v),
        )
      }
      options={options.map((c) => ({ value: c.externalUserId, label: label(c) }))}
      style={{ minWidth: 360, ...style }}
      data-testid={testId}
      popupMatchSelectWidth={false}
    />
  );
}
