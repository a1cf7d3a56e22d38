/** Create / edit a contest: every field of ContestInput, times entered in Beijing time. */
import { useEffect, useState } from 'react';
import { Alert, Button, Col, Form, Image, Input, InputNumber, Modal, Row, Space, Switch, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { fromLocalInput, toLocalInput, uploadCover } from './util';

type AdminContest = contest.AdminContest;

interface FormValues {
  title: string;
  coverUrl: string | null;
  rulesText: string;
  prizeText: string;
  submissionStartAt: string;
  submissionEndAt: string;
  voteStartAt: string;
  voteEndAt: string;
  votesPerDay: number;
  juryWeight: number;
  autoApproveClean: boolean;
}

const TIME_FIELDS = ['submissionStartAt', 'submissionEndAt', 'voteStartAt', 'voteEndAt'] as const;

function initialValues(c: AdminContest | null): FormValues {
  if (!c) {
    return {
      title: '',
      coverUrl: null,
      rulesText: '',
      prizeText: '',
      submissionStartAt: '',
      submissionEndAt: '',
      voteStartAt: '',
      voteEndAt: '',
      votesPerDay: contest.VOTES_PER_DAY.default,
      juryWeight: 0,
      autoApproveClean: false,
    };
  }
  return {
    title: c.title,
    coverUrl: c.coverUrl,
    rulesText: c.rulesText,
    prizeText: c.prizeText,
    submissionStartAt: toLocalInput(c.submissionStartAt),
    submissionEndAt: toLocalInput(c.submissionEndAt),
    voteStartAt: toLocalInput(c.voteStartAt),
    voteEndAt: toLocalInput(c.voteEndAt),
    votesPerDay: c.votesPerDay,
    juryWeight: c.juryWeight,
    autoApproveClean: c.autoApproveClean,
  };
}

export function ContestForm({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null = create a new draft */
  editing: AdminContest | null;
  onClose(): void;
  onSaved(c: AdminContest): void;
}) {
  const { api } = useAuth();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const coverUrl = Form.useWatch('coverUrl', form);
  // Once voting has started these two are fixed (CONTEST_LOCKED on the server).
  const locked = !!editing && editing.status === 'published' && Date.parse(editing.voteStartAt) <= Date.now();

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue(initialValues(editing));
      setError(null);
    }
  }, [open, editing, form]);

  async function onFinish(values: FormValues) {
    setError(null);
    const times: Record<string, string> = {};
    const bad: { name: keyof FormValues; errors: string[] }[] = [];
    for (const f of TIME_FIELDS) {
      const iso = fromLocalInput(values[f]);
      if (!iso) bad.push({ name: f, errors: ['请选择时间'] });
      else times[f] = iso;
    }
    if (bad.length) {
      form.setFields(bad);
      return;
    }
    const input = {
      title: values.title,
      coverUrl: values.coverUrl || null,
      rulesText: values.rulesText,
      prizeText: values.prizeText ?? '',
      submissionStartAt: times.submissionStartAt,
      submissionEndAt: times.submissionEndAt,
      voteStartAt: times.voteStartAt,
      voteEndAt: times.voteEndAt,
      votesPerDay: values.votesPerDay,
      juryWeight: values.juryWeight,
      autoApproveClean: !!values.autoApproveClean,
    };
    // Same rules as the server (window order, lengths), shown next to the fields.
    const parsed = contest.ContestInput.safeParse(input);
    if (!parsed.success) {
      form.setFields(parsed.error.issues.map((i) => ({ name: String(i.path[0] ?? 'title') as keyof FormValues, errors: [i.message] })));
      return;
    }
    setSaving(true);
    try {
      const saved = editing
        ? await api.call(contest.adminUpdateContest, { params: { contestId: editing.id }, body: parsed.data })
        : await api.call(contest.adminCreateContest, { body: parsed.data });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED' && err.details?.length) {
        form.setFields(err.details.map((d) => ({ name: d.path.split('.')[0] as keyof FormValues, errors: [d.message] })));
      }
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={editing ? `编辑活动：${editing.title}` : '新建菜谱大赛'}
      onCancel={onClose}
      width={760}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={saving} data-testid="contest-form-save" onClick={() => form.submit()}>
            {editing ? '保存' : '创建草稿'}
          </Button>
        </Space>
      }
    >
      <div data-testid="contest-form">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="contest-form-error" />}
        <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} requiredMark="optional">
          <Form.Item label="主题" name="title" rules={[{ required: true, whitespace: true, message: '请填写主题' }]}>
            <Input maxLength={60} placeholder="晒出你家的传家年夜菜" data-testid="contest-form-title" />
          </Form.Item>
          <Form.Item name="coverUrl" hidden>
            <Input />
          </Form.Item>
          <Form.Item label="封面">
            <Space align="start">
              {coverUrl ? <Image src={coverUrl} width={160} height={90} style={{ objectFit: 'cover' }} /> : null}
              <Upload
                accept="image/jpeg,image/png,image/webp"
                showUploadList={false}
                customRequest={async ({ file, onSuccess, onError }) => {
                  setUploading(true);
                  try {
                    const up = await uploadCover(file as File);
                    form.setFieldValue('coverUrl', up.url);
                    onSuccess?.(up);
                  } catch (err) {
                    setError(errorMessage(err));
                    onError?.(err as Error);
                  } finally {
                    setUploading(false);
                  }
                }}
              >
                <Button icon={<UploadOutlined />} loading={uploading} data-testid="contest-form-cover">
                  {coverUrl ? '更换封面' : '上传封面'}
                </Button>
              </Upload>
              {coverUrl ? <Button onClick={() => form.setFieldValue('coverUrl', null)}>移除</Button> : null}
            </Space>
          </Form.Item>
          <Form.Item
            label="活动规则（会员投稿和投票前先看到）"
            name="rulesText"
            rules={[{ required: true, whitespace: true, message: '请填写活动规则' }]}
            extra="页面会在规则后自动附上公平说明：分享和票数与任何奖励无关。请勿写“拉票”“分享解锁”等用语。"
          >
            <Input.TextArea rows={5} maxLength={5000} showCount data-testid="contest-form-rules" />
          </Form.Item>
          <Form.Item label="奖项说明" name="prizeText">
            <Input.TextArea rows={2} maxLength={500} placeholder="入选作品由大厨复刻，署名上架年夜饭菜单" data-testid="contest-form-prize" />
          </Form.Item>
          <Typography.Text type="secondary">以下时间均为北京时间；征集与投票可以重叠。</Typography.Text>
          <Row gutter={16} style={{ marginTop: 8 }}>
            <Col span={12}>
              <Form.Item label="征集开始" name="submissionStartAt" rules={[{ required: true, message: '请选择时间' }]}>
                <Input type="datetime-local" data-testid="contest-form-submission-start" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="征集结束" name="submissionEndAt" rules={[{ required: true, message: '请选择时间' }]}>
                <Input type="datetime-local" data-testid="contest-form-submission-end" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                label="投票开始"
                name="voteStartAt"
                rules={[{ required: true, message: '请选择时间' }]}
                extra={locked ? '投票已开始，不能再修改' : undefined}
              >
                <Input type="datetime-local" disabled={locked} data-testid="contest-form-vote-start" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="投票结束" name="voteEndAt" rules={[{ required: true, message: '请选择时间' }]} extra="投票结束后系统自动结束活动并锁定排名">
                <Input type="datetime-local" data-testid="contest-form-vote-end" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="每人每天票数" name="votesPerDay" extra={locked ? '投票已开始，不能再修改' : '同一作品每天最多 1 票'}>
                <InputNumber
                  min={contest.VOTES_PER_DAY.min}
                  max={contest.VOTES_PER_DAY.max}
                  precision={0}
                  disabled={locked}
                  style={{ width: '100%' }}
                  data-testid="contest-form-votes-per-day"
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="评审分权重（%）" name="juryWeight" extra="0 = 只看票数">
                <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} data-testid="contest-form-jury-weight" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="自动通过无风险作品" name="autoApproveClean" valuePropName="checked" extra="内容检查无命中的作品不经人工审核直接展示">
                <Switch data-testid="contest-form-auto-approve" />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </div>
    </Modal>
  );
}
