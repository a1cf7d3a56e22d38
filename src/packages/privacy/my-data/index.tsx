import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { deleteMe, getMyData, type MyDataExport } from '@contracts/identity';
import { api } from '../../../api/client';
import { ROUTES } from '../../../api/routes';
import { forgetSession } from '../../../api/session';
import { showError } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { exportJson } from './export';
import { fieldLabel, sectionLabel, valueText } from './labels';
import './index.css';

function Row({ label, value, testId }: { label: string; value: string | null | undefined; testId?: string }) {
  return (
    <View className="row">
      <Text className="row-label">{label}</Text>
      <Text className="row-value" data-testid={testId}>
        {value === null || value === undefined || value === '' ? '—' : value}
      </Text>
    </View>
  );
}

const CONSENT_ACTIONS: Record<string, string> = { granted: '同意', withdrawn: '撤回' };

export default function MyDataPage() {
  const remote = useRemote((): Promise<MyDataExport> => api.call(getMyData), []);
  const data = remote.data;
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const onExport = async () => {
    if (!data) return;
    try {
      const how = await exportJson(data);
      const title = how === 'downloaded' ? '已开始下载' : how === 'shared' ? '已发送文件' : '已复制到剪贴板';
      void Taro.showToast({ title, icon: 'none' });
    } catch (err) {
      showError(err);
    }
  };

  const onDelete = async () => {
    if (deleting) return;
    setDeleting(true);
    try {
      await api.call(deleteMe, { body: { confirm: true } });
      forgetSession();
      setConfirming(false);
      void Taro.showToast({ title: '账号已注销', icon: 'none' });
      void Taro.reLaunch({ url: ROUTES.consent });
    } catch (err) {
      showError(err);
    } finally {
      setDeleting(false);
    }
  };

  if (!data || remote.error) {
    return (
      <View className="page" data-testid="page-mydata">
        {/* a failed refresh replaces the page: nothing half-stale in 我的数据 */}
        <RemoteFrame remote={remote} errorTestId="mydata-error">
          {() => null}
        </RemoteFrame>
      </View>
    );
  }

  const { member, household, consents, sessions, wecomContacts, activity } = data;
  const activityKeys = Object.keys(activity);

  return (
    <View className="page" data-testid="page-mydata">
      <Text className="muted">以下是我们保存的关于您的全部信息（导出时间 {formatShanghai(data.exportedAt)}）。</Text>

      <View className="card" data-testid="mydata-member">
        <Text className="card-title">基本信息</Text>
        <Row label="会员编号" value={String(member.id)} />
        <Row label="微信用户标识" value={member.openid} testId="mydata-openid" />
        <Row label="微信开放平台标识" value={member.unionid} />
        <Row label="昵称" value={member.nickname} testId="mydata-nickname" />
        <Row label="头像" value={member.avatarUrl ? '已设置（见导出文件）' : null} />
        <Row label="手机号" value={member.phone} />
        <Row label="会员等级" value={member.tier} />
        <Row label="常去门店" value={member.storeName} />
        <Row label="注册时间" value={formatShanghai(member.createdAt)} testId="mydata-created" />
      </View>

      <View className="card" data-testid="mydata-household">
        <Text className="card-title">家庭</Text>
        {household ? (
          <>
            <Row label="家庭名称" value={household.name} />
            {household.members.map((m, i) => (
              <Row key={i} label={m.relation || '家庭成员'} value={m.nickname} />
            ))}
          </>
        ) : (
          <Text className="section-empty">没有加入家庭</Text>
        )}
      </View>

      <View className="card" data-testid="mydata-consents">
        <Text className="card-title">隐私同意记录</Text>
        {consents.length ? (
          consents.map((c, i) => (
            <View key={i} className="record">
              <Text className="record-line">
                {CONSENT_ACTIONS[c.action] ?? c.action}《隐私保护指引》{c.version}
              </Text>
              <Text className="record-line muted">{formatShanghai(c.at)}</Text>
            </View>
          ))
        ) : (
          <Text className="section-empty">没有记录</Text>
        )}
      </View>

      <View className="card" data-testid="mydata-sessions">
        <Text className="card-title">登录记录</Text>
        {sessions.length ? (
          sessions.map((s, i) => (
            <View key={i} className="record">
              <Text className="record-line">登录于 {formatShanghai(s.createdAt)}</Text>
              <Text className="record-line muted">最近使用 {formatShanghai(s.lastSeenAt)}</Text>
              {s.userAgent && <Text className="record-line muted">设备：{s.userAgent}</Text>}
            </View>
          ))
        ) : (
          <Text className="section-empty">没有记录</Text>
        )}
      </View>

      <View className="card" data-testid="mydata-wecom">
        <Text className="card-title">企业微信联系人</Text>
        {wecomContacts.length ? (
          wecomContacts.map((c, i) => <Row key={i} label={c.staffName || '门店员工'} value={`添加于 ${formatShanghai(c.addedAt)}`} />)
        ) : (
          <Text className="section-empty">没有添加门店员工的企业微信</Text>
        )}
      </View>

      <View className="card" data-testid="mydata-activity">
        <Text className="card-title">活动记录</Text>
        {activityKeys.length ? (
          activityKeys.map((key) => (
            <View key={key} className="record" data-testid={`mydata-section-${key}`}>
              <Text className="record-line">
                {sectionLabel(key)}（{activity[key].length} 条）
              </Text>
              {activity[key].map((item, i) => (
                <View key={i} className="record-item">
                  {Object.entries(item).map(([k, v]) => (
                    <Text key={k} className="record-line muted">
                      {fieldLabel(k)}：{valueText(k, v)}
                    </Text>
                  ))}
                </View>
              ))}
            </View>
          ))
        ) : (
          <Text className="section-empty">暂无活动记录</Text>
        )}
      </View>

      <Button className="btn-primary" data-testid="mydata-export" onClick={onExport}>
        导出JSON
      </Button>
      <Button className="btn-danger" data-testid="mydata-delete" onClick={() => setConfirming(true)}>
        撤回同意并注销账号
      </Button>

      {confirming && (
        <View className="mask">
          <View className="dialog" data-testid="mydata-delete-dialog">
            <Text className="card-title">确认注销账号？</Text>
            <Text>注销后，我们会删除您的个人信息（昵称、头像、家庭、登录和活动记录等），订单仅匿名保留。此操作不能撤销。</Text>
            <Button
              className="btn-danger"
              data-testid="mydata-delete-confirm"
              loading={deleting || undefined}
              disabled={deleting || undefined}
              onClick={onDelete}
            >
              确认注销
            </Button>
            <Button className="btn-plain" data-testid="mydata-delete-cancel" disabled={deleting || undefined} onClick={() => setConfirming(false)}>
              再想想
            </Button>
          </View>
        </View>
      )}
    </View>
  );
}
