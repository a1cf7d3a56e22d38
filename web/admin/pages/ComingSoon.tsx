import { Result } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { sectionLabel } from '../sections';

/** Honest placeholder for a section the server grants but this page does not have yet: no sample data. */
export function ComingSoonPage({ section }: { section: string }) {
  return (
    <div data-testid={`coming-soon-${section}`}>
      <Result
        icon={<ClockCircleOutlined />}
        title={`${sectionLabel(section)} · 即将上线`}
        subTitle="该模块正在建设中，上线后将在这里管理相关数据。"
        style={{ background: '#fff', borderRadius: 8 }}
      />
    </div>
  );
}
