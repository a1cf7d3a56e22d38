import { Text, View } from '@tarojs/components';
import ComingSoon from '../../components/ComingSoon';

export default function NyePage() {
  return (
    <View className="page" data-testid="page-nye">
      <View className="hero">
        <Text className="hero-title">年夜饭预订</Text>
        <Text className="hero-sub">团圆饭交给门店，团圆的时间留给家人</Text>
      </View>
      <ComingSoon
        testId="nye-coming"
        title="年夜饭预订"
        intro="门店的年夜饭菜品和套餐将在这里开放预订。"
        points={['在线选购菜品，余量实时可见', '选择自提门店和时段', '凭订单到店自提']}
      />
    </View>
  );
}
