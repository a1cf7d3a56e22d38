/**
 * Editor of welcome / journey-message attachments (mini-program card, image, link) inside an antd
 * Form: a Form.List at `name`. Values are kept flat in the form and turned into the contract's
 * discriminated union by toAttachments() on submit.
 */
import { Button, Card, Form, Input, Space, Typography } from 'antd';
import { AppstoreOutlined, DeleteOutlined, LinkOutlined, PictureOutlined } from '@ant-design/icons';
import type { NamePath } from 'antd/es/form/interface';
import type { WelcomeAttachment } from '../../../../contracts/wecom';

export interface AttachmentValue {
  type: WelcomeAttachment['type'];
  title?: string;
  appid?: string;
  page?: string;
  picMediaId?: string;
  picUrl?: string;
  url?: string;
  desc?: string;
}

const TYPE_LABELS: Record<WelcomeAttachment['type'], string> = { miniprogram: '小程序卡片', image: '图片', link: '图文链接' };
const MAX = 9;

const opt = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

export function toAttachments(values: AttachmentValue[] | undefined): WelcomeAttachment[] {
  return (values ?? []).map((v): WelcomeAttachment => {
    if (v.type === 'miniprogram') {
      return {
        type: 'miniprogram',
        title: (v.title ?? '').trim(),
        appid: (v.appid ?? '').trim(),
        page: (v.page ?? '').trim(),
        picMediaId: opt(v.picMediaId),
        picUrl: opt(v.picUrl),
      };
    }
    if (v.type === 'image') return { type: 'image', picUrl: (v.picUrl ?? '').trim() };
    return { type: 'link', title: (v.title ?? '').trim(), url: (v.url ?? '').trim(), desc: opt(v.desc), picUrl: opt(v.picUrl) };
  });
}

export function fromAttachments(list: WelcomeAttachment[] | undefined): AttachmentValue[] {
  return (list ?? []).map((a) => ({ ...a }));
}

const urlRule = { type: 'url' as const, message: '请填写 http(s) 开头的完整网址' };

export function attachmentSummary(a: WelcomeAttachment): string {
  if (a.type === 'miniprogram') return `小程序卡片「${a.title}」`;
  if (a.type === 'image') return '图片';
  return `链接「${a.title}」`;
}

/**
 * `name` is the list's name as Form.List sees it (relative inside an outer Form.List); `fullName`
 * is its absolute path in the form, needed to read each item's type (defaults to `name`).
 */
export function AttachmentsField({ name, fullName, testId }: { name: NamePath; fullName?: NamePath; testId: string }) {
  const listName = (Array.isArray(name) ? name : [name]) as (string | number)[];
  const absolute = (fullName === undefined ? listName : Array.isArray(fullName) ? fullName : [fullName]) as (string | number)[];
  return (
    <Form.List name={listName}>
      {(fields, { add, remove }) => (
        <div data-testid={testId}>
          {fields.map((f, i) => (
            <Form.Item key={f.key} noStyle shouldUpdate>
              {(form) => {
                const type = form.getFieldValue([...absolute, f.name, 'type']) as AttachmentValue['type'];
                return (
                  <Card
                    size="small"
                    style={{ marginBottom: 8 }}
                    title={`附件 ${i + 1} · ${TYPE_LABELS[type] ?? type}`}
                    extra={<Button type="text" danger size="small" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除附件" />}
                  >
                    <Form.Item name={[f.name, 'type']} hidden>
                      <Input />
                    </Form.Item>
                    {type === 'miniprogram' && (
                      <>
                        <Form.Item
                          label="卡片标题"
                          name={[f.name, 'title']}
                          rules={[{ required: true, whitespace: true, message: '请填写卡片标题' }, { max: 64 }]}
                        >
                          <Input maxLength={64} placeholder="如：新人专享·本周菜谱" data-testid={`${testId}-${i}-title`} />
                        </Form.Item>
                        <Form.Item label="小程序 AppID" name={[f.name, 'appid']} rules={[{ required: true, whitespace: true, message: '请填写 AppID' }]}>
                          <Input maxLength={64} placeholder="须已关联到企业微信" data-testid={`${testId}-${i}-appid`} />
                        </Form.Item>
                        <Form.Item label="页面路径" name={[f.name, 'page']} rules={[{ required: true, whitespace: true, message: '请填写页面路径' }]}>
                          <Input maxLength={256} placeholder="pages/index/index?from=channel" data-testid={`${testId}-${i}-page`} />
                        </Form.Item>
                        <Form.Item label="封面图片网址" name={[f.name, 'picUrl']} rules={[urlRule]} extra="可留空：使用企业微信中已上传的封面 media_id">
                          <Input maxLength={512} placeholder="https://…" />
                        </Form.Item>
                        <Form.Item label="封面 media_id（可选）" name={[f.name, 'picMediaId']}>
                          <Input maxLength={256} />
                        </Form.Item>
                      </>
                    )}
                    {type === 'image' && (
                      <Form.Item label="图片网址" name={[f.name, 'picUrl']} rules={[{ required: true, message: '请填写图片网址' }, urlRule]}>
                        <Input maxLength={512} placeholder="https://…" data-testid={`${testId}-${i}-picUrl`} />
                      </Form.Item>
                    )}
                    {type === 'link' && (
                      <>
                        <Form.Item
                          label="链接标题"
                          name={[f.name, 'title']}
                          rules={[{ required: true, whitespace: true, message: '请填写链接标题' }, { max: 128 }]}
                        >
                          <Input maxLength={128} data-testid={`${testId}-${i}-title`} />
                        </Form.Item>
                        <Form.Item label="链接网址" name={[f.name, 'url']} rules={[{ required: true, message: '请填写链接网址' }, urlRule]}>
                          <Input maxLength={1024} placeholder="https://…" data-testid={`${testId}-${i}-url`} />
                        </Form.Item>
                        <Form.Item label="摘要（可选）" name={[f.name, 'desc']}>
                          <Input maxLength={512} />
                        </Form.Item>
                        <Form.Item label="缩略图网址（可选）" name={[f.name, 'picUrl']} rules={[urlRule]}>
                          <Input maxLength={512} placeholder="https://…" />
                        </Form.Item>
                      </>
                    )}
                  </Card>
                );
              }}
            </Form.Item>
          ))}
          <Space wrap>
            <Button
              icon={<AppstoreOutlined />}
              disabled={fields.length >= MAX}
              onClick={() => add({ type: 'miniprogram' })}
              data-testid={`${testId}-add-miniprogram`}
            >
              小程序卡片
            </Button>
            <Button icon={<PictureOutlined />} disabled={fields.length >= MAX} onClick={() => add({ type: 'image' })} data-testid={`${testId}-add-image`}>
              图片
            </Button>
            <Button icon={<LinkOutlined />} disabled={fields.length >= MAX} onClick={() => add({ type: 'link' })} data-testid={`${testId}-add-link`}>
              链接
            </Button>
            <Typography.Text type="secondary">最多 {MAX} 个附件（企业微信限制）</Typography.Text>
          </Space>
        </div>
      )}
    </Form.List>
  );
}
