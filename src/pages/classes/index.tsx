import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ROUTES } from '../../api/routes';

/**
 * The 课程 tab: the way into the classes subpackage. It stays a few lines of navigation so the
 * main package carries none of the classes code (contracts, QR encoder, forms).
 */
const ENTRIES = [
  { key: 'list', title: '近期课程与活动', text: '共享厨房课、亲子活动、社区小仪式，按日期和门店查看余位', url: ROUTES.classList },
  { key: 'mine', title: '我的活动', text: '签到码、候补进度、取消报名和课后评价', url: ROUTES.classMine },
];

export default function ClassesPage() {
  return (
    <View className="page" data-testid="page-classes">
      <View className="hero">
        <Text className="hero-title">社区课程</Text>
        <Text className="hero-sub">在家门口的门店里，学一手好菜</Text>
      </View>
      <View className="card">
        {ENTRIES.map((e) => (
          <View key={e.key} className="link-row" data-testid={`classes-entry-${e.key}`} onClick={() => void Taro.navigateTo({ url: e.url })}>
            <View>
              <Text>{e.title}</Text>
              <View>
                <Text className="muted">{e.text}</Text>
              </View>
            </View>
            <Text className="chevron">›</Text>
          </View>
        ))}
      </View>
      <View className="card">
        <Text className="card-title">报名须知</Text>
        <Text className="bullet">· 以家庭为单位报名，亲子活动请填写孩子年龄</Text>
        <Text className="bullet">· 满员后可排队候补，有名额空出会按顺序自动补上</Text>
        <Text className="bullet">· 到店出示签到码，或扫描现场的签到二维码</Text>
        <Text className="bullet">· 不能参加请提前取消，多次报名未到场会暂停报名一段时间</Text>
      </View>
    </View>
  );
}
