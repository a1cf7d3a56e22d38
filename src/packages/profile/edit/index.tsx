/**
 * Profile: WeChat's avatar and nickname components — `<Button open-type="chooseAvatar">` and
 * `<Input type="nickname">` in weapp (a photo picker and a plain input in h5). The avatar is
 * uploaded like any photo; the nickname passes the server's content check before it is saved.
 */
import { useEffect, useState } from 'react';
import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { updateMe } from '@contracts/identity';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { updateMember } from '../../../api/session';
import { useSession } from '../../../api/useSession';
import { fileUrl } from '../../../utils/page';
import { uploadImage } from '../lib';
import '../profile.css';

const isWeapp = process.env.TARO_ENV === 'weapp';

export default function ProfileEditPage() {
  const session = useSession({ autoLogin: true });
  const member = session.member;
  const [nickname, setNickname] = useState('');
  const [avatar, setAvatar] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (member) {
      setNickname((n) => n || member.nickname || '');
      setAvatar((a) => a ?? member.avatarUrl);
    }
  }, [member]);

  const saveAvatar = async (path: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const img = await uploadImage(path);
      const me = await api.call(updateMe, { body: { avatarUploadId: img.id } });
      updateMember(me);
      setAvatar(me.avatarUrl);
      setMessage({ ok: true, text: '头像已更新' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const pickInH5 = async () => {
    try {
      const res = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album'] });
      if (res.tempFilePaths?.[0]) await saveAvatar(res.tempFilePaths[0]);
    } catch {
      // picker closed: nothing to do
    }
  };

  const saveNickname = async () => {
    const value = nickname.trim();
    if (!value) {
      setMessage({ ok: false, text: '请填写昵称' });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const me = await api.call(updateMe, { body: { nickname: value } });
      updateMember(me);
      setMessage({ ok: true, text: '昵称已保存' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="page-profile-edit">
      <View className="card">
        {isWeapp ? (
          <Button className="avatar-btn" openType="chooseAvatar" data-testid="profile-avatar" onChooseAvatar={(e) => void saveAvatar(e.detail.avatarUrl)}>
            {avatar ? <Image className="avatar-img" src={fileUrl(avatar)} mode="aspectFill" /> : <Text className="muted">选择头像</Text>}
          </Button>
        ) : (
          <View className="avatar-btn" data-testid="profile-avatar" onClick={() => void pickInH5()}>
            {avatar ? (
              <Image className="avatar-img" src={fileUrl(avatar)} mode="aspectFill" data-testid="profile-avatar-img" />
            ) : (
              <Text className="muted">选择头像</Text>
            )}
          </View>
        )}
        <Text className="muted">点头像可以换成微信头像或相册里的照片。</Text>

        <View style={{ marginTop: '24px' }}>
          <Text className="card-title">昵称</Text>
          <Input
            className="field"
            type={isWeapp ? ('nickname' as 'text') : 'text'}
            data-testid="profile-nickname"
            value={nickname}
            maxlength={20}
            placeholder="填写昵称（可使用微信昵称）"
            onInput={(e) => setNickname(e.detail.value)}
            onBlur={(e) => setNickname(e.detail.value)}
          />
          <Text className="muted">昵称会显示在作品和家庭里，不能包含电话、微信号等联系方式。</Text>
        </View>
        <Button className="btn-primary" data-testid="profile-save" loading={busy || undefined} disabled={busy || undefined} onClick={() => void saveNickname()}>
          保存昵称
        </Button>
        {message && (
          <Text className={message.ok ? 'muted' : 'error-text'} data-testid="profile-message">
            {message.text}
          </Text>
        )}
      </View>
    </View>
  );
}
